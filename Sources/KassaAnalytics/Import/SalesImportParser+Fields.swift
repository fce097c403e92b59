import Foundation
import KassaCore

// The cells of one row, each checked on its own; every problem is reported with its column.

extension SalesImportParser {
    /// The parts of `record`; a part that is missing or wrong is nil (or empty) and reported.
    mutating func parse(_ record: CSVReader.Record) -> Row {
        let line = record.line
        let columns = self.columns
        let cell = { (name: String) -> String? in
            columns[name].map { record.fields[$0].trimmingCharacters(in: .whitespaces) }
        }
        var row = Row(line: line, store: options.defaultStore, terminal: "", isLine: false)
        if let text = cell("id") {
            if Identifier.isValid(text) {
                row.id = text
            } else {
                fail(SalesImportError(line: line, column: "id", text.isEmpty ? "empty; give every row an id, or leave the column out to make each row a receipt"
                                                                        : "'\(text)' is not 1–\(Identifier.lengthMax) printable ASCII characters without spaces or quotes"))
            }
        }
        let customer = cell("customer") ?? ""
        if !customer.isEmpty {
            if let card = CardNumber(customer) {
                row.customer = card
            } else {
                fail(SalesImportError(line: line, column: "customer", "'\(customer)' is not a card number (\(CardNumber.digitsMin)–\(CardNumber.digitsMax) digits); leave it empty for a receipt without a card"))
            }
        }
        row.at = timestamp(cell("at") ?? "", line: line)
        row.total = minorUnits(cell("total") ?? "", column: "total", line: line, max: Ledger.receiptTotalMax)
        for (name, keyPath) in [("store", \Row.store), ("terminal", \Row.terminal)] {
            guard let text = cell(name), !text.isEmpty else { continue }
            if Identifier.isValid(text) {
                row[keyPath: keyPath] = text
            } else {
                fail(SalesImportError(line: line, column: name, "'\(text)' is not 1–\(Identifier.lengthMax) printable ASCII characters without spaces or quotes"))
            }
        }
        readLine(cell: cell, into: &row)
        return row
    }

    /// `sku`, `qty` and `price`: a line when the row has a sku.
    private mutating func readLine(cell: (String) -> String?, into row: inout Row) {
        let line = row.line
        let skuText = cell("sku") ?? "", qtyText = cell("qty") ?? "", priceText = cell("price") ?? ""
        guard !skuText.isEmpty else {
            if !qtyText.isEmpty || !priceText.isEmpty {
                fail(SalesImportError(line: line, column: "sku", "empty, but the row has a qty or a price; a line needs its sku"))
            }
            return
        }
        row.isLine = true
        var sku: SKU?
        do {
            sku = try SKU(validating: skuText)
        } catch {
            let why: String
            switch error {
            case .badLength: why = "must be 1–\(SKU.lengthMax) characters"
            case .badCharacter: why = "must be printable ASCII without spaces"
            case .badCheckDigit(_, let expected): why = "has a wrong GS1 check digit (expected \(expected))"
            }
            fail(SalesImportError(line: line, column: "sku", "'\(skuText)' \(why)"))
        }
        var qty: Quantity? = Quantity(pieces: 1)
        if !qtyText.isEmpty {
            qty = Quantity(decimal: qtyText)
            if let parsed = qty, parsed.thousandths <= 0 || parsed > Quantity.lineMax {
                qty = nil
            }
            if qty == nil {
                fail(SalesImportError(line: line, column: "qty", "'\(qtyText)' is not a quantity above 0 and up to \(Quantity.lineMax.thousandths / 1000) with at most 3 decimals"))
            }
        }
        var price: Int64?
        if !priceText.isEmpty {
            price = minorUnits(priceText, column: "price", line: line, max: options.limits.priceMax)
        } else if qty == Quantity(pieces: 1) {
            price = row.total
        } else if qty != nil {
            fail(SalesImportError(line: line, column: "price", "empty; a line whose qty is not 1 needs its price"))
        }
        guard let sku, let qty, let price, let total = row.total else { return }
        let item = ImportedLine(sku: sku, qty: qty, price: price)
        guard let amount = item.amount, amount == total else {
            fail(SalesImportError(line: line, column: "total", "\(total) is not qty × price (\(qtyText.isEmpty ? "1" : qtyText) × \(price) = \(item.amount.map { "\($0)" } ?? "too large")); an imported line carries no discount"))
            return
        }
        row.item = item
    }

    /// A date (midnight UTC of that day, which keeps it on that day) or an RFC 3339 time, not
    /// after now.
    private mutating func timestamp(_ text: String, line: Int) -> Timestamp? {
        guard !text.isEmpty else {
            fail(SalesImportError(line: line, column: "at", "empty; give the date (2025-03-14) or time (2025-03-14T10:15:00+03:00) of the purchase"))
            return nil
        }
        let at: Timestamp
        let future: Bool
        if text.utf8.count == 10, let date = LocalDate(iso: text) {
            at = Timestamp(epochMilliseconds: Int64(date.daysSinceEpoch) * 86_400_000)
            future = date.daysSinceEpoch > options.now.localDay
        } else if let time = RFC3339.parse(text) {
            at = time
            future = time > options.now
        } else {
            fail(SalesImportError(line: line, column: "at", "'\(text)' is not a date (YYYY-MM-DD) or an RFC 3339 time (2025-03-14T10:15:00+03:00)"))
            return nil
        }
        guard !future else {
            fail(SalesImportError(line: line, column: "at", "'\(text)' is in the future (now is \(options.now))"))
            return nil
        }
        return at
    }

    /// A whole number of minor units, 0…max.
    private mutating func minorUnits(_ text: String, column: String, line: Int, max: Int64) -> Int64? {
        guard !text.isEmpty else {
            fail(SalesImportError(line: line, column: column, "empty; give a whole number of minor units (kopecks, cents)"))
            return nil
        }
        let digits = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            fail(SalesImportError(line: line, column: column, "'\(text)' is not a whole number of minor units (8990 for 89.90)"))
            return nil
        }
        guard !text.hasPrefix("-") || digits.utf8.allSatisfy({ $0 == 0x30 }) else {
            fail(SalesImportError(line: line, column: column, "'\(text)' is negative; returns are not imported"))
            return nil
        }
        guard let value = Int64(digits), value <= max else {
            fail(SalesImportError(line: line, column: column, "'\(text)' is more than \(max) minor units"))
            return nil
        }
        return value
    }
}
