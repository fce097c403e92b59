import Foundation
import KassaCore

/// The state of reading one sales import file: the header's columns, the receipt being put
/// together from its rows, the ids seen, and the errors found so far.
struct SalesImportParser {
    let importID: String
    let options: SalesImport.Options
    private var errors: [SalesImportError] = []
    private var truncated = false
    var columns: [String: Int] = [:]
    private var columnCount = 0
    private var rows = 0
    private var sales: [ImportedSale] = []
    private var saleLines: [Int] = []
    private var current: Pending?
    /// Receipt ids already closed, with the line each started on.
    private var seenIDs: [String: Int] = [:]

    /// A receipt whose rows are still coming.
    private struct Pending {
        var sale: ImportedSale
        var line: Int
        /// Whether its rows are lines (they carry a sku); nil before the first row is read.
        var hasLines: Bool?
    }

    /// The parts of one row.
    struct Row {
        var line: Int
        var id: String?
        var customer: CardNumber?
        var at: Timestamp?
        var store: String
        var terminal: String
        var total: Int64?
        var item: ImportedLine?
        var isLine: Bool
    }

    init(importID: String, options: SalesImport.Options) {
        self.importID = importID
        self.options = options
    }

    mutating func read(_ bytes: [UInt8]) {
        var reader = CSVReader(bytes, limits: options.csv)
        guard let header = next(&reader) else {
            if errors.isEmpty { fail(SalesImportError(line: 1, "the file is empty; it needs a header naming customer, at and total")) }
            return
        }
        readHeader(header)
        guard errors.isEmpty else { return }
        while !truncated, let record = next(&reader) {
            rows += 1
            readRow(record)
        }
        close()
    }

    func finish() -> Result<SalesImport.File, SalesImport.Failure> {
        guard errors.isEmpty else {
            return .failure(SalesImport.Failure(errors: errors.sorted { $0.line < $1.line }, truncated: truncated))
        }
        // In time order, so that a card new to Kassa is enrolled at its first purchase and each
        // customer's days come in order; the file's order breaks ties.
        let order = sales.indices.sorted { (sales[$0].at, $0) < (sales[$1].at, $1) }
        var ordered = order.map { sales[$0] }
        for index in ordered.indices { ordered[index].ordinal = UInt32(index) }
        let cards = Set(ordered.compactMap(\.customer)).count
        return .success(SalesImport.File(importID: importID, sales: ordered, sourceLines: order.map { saleLines[$0] }, rows: rows,
                                         lines: ordered.reduce(0) { $0 + $1.lines.count }, cards: cards))
    }

    // MARK: - Records

    private mutating func next(_ reader: inout CSVReader) -> CSVReader.Record? {
        while !truncated {
            do {
                return try reader.next()
            } catch {
                fail(SalesImportError(line: error.line, error.message))
                reader.skipRecord()
            }
        }
        return nil
    }

    mutating func fail(_ error: SalesImportError) {
        guard errors.count < options.errorsMax else {
            truncated = true
            return
        }
        errors.append(error)
    }

    private mutating func readHeader(_ header: CSVReader.Record) {
        let known = SalesImport.requiredColumns + SalesImport.optionalColumns
        columnCount = header.fields.count
        for (index, raw) in header.fields.enumerated() {
            let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
            guard known.contains(name) else {
                fail(SalesImportError(line: header.line, column: raw, "unknown column; the columns are \(known.joined(separator: ", "))"))
                continue
            }
            guard columns[name] == nil else {
                fail(SalesImportError(line: header.line, column: name, "named twice in the header"))
                continue
            }
            columns[name] = index
        }
        for name in SalesImport.requiredColumns where columns[name] == nil {
            fail(SalesImportError(line: header.line, column: name, "missing from the header; customer, at and total are required"))
        }
    }

    // MARK: - Rows

    private mutating func readRow(_ record: CSVReader.Record) {
        guard record.fields.count == columnCount else {
            fail(SalesImportError(line: record.line, "has \(record.fields.count) fields but the header has \(columnCount)"))
            return
        }
        let row = parse(record)
        guard let at = row.at, let total = row.total else { return }
        guard let id = row.id else {
            close()
            open(row, id: "imp-\(importID.dropFirst(6).prefix(8))-\(row.line)", at: at, total: total)
            return
        }
        if var pending = current, pending.sale.id == id {
            agree(row, with: pending, at: at)
            add(row, total: total, to: &pending)
            current = pending
            return
        }
        close()
        if let first = seenIDs[id] {
            fail(SalesImportError(line: row.line, column: "id", "receipt '\(id)' already appeared on line \(first); the rows of a receipt must be next to each other"))
            return
        }
        open(row, id: id, at: at, total: total)
    }

    private mutating func open(_ row: Row, id: String, at: Timestamp, total: Int64) {
        var pending = Pending(sale: ImportedSale(importID: importID, ordinal: 0, id: id, store: row.store, terminal: row.terminal,
                                                 at: at, customer: row.customer, total: 0), line: row.line)
        add(row, total: total, to: &pending)
        current = pending
    }

    /// Rows of one receipt must say the same about it.
    private mutating func agree(_ row: Row, with pending: Pending, at: Timestamp) {
        let receipt = "receipt '\(pending.sale.id)' (line \(pending.line))"
        if row.customer != pending.sale.customer {
            fail(SalesImportError(line: row.line, column: "customer", "\(receipt) has customer \(pending.sale.customer?.description ?? "(none)")"))
        }
        if at != pending.sale.at {
            fail(SalesImportError(line: row.line, column: "at", "\(receipt) is at \(pending.sale.at)"))
        }
        if row.store != pending.sale.store {
            fail(SalesImportError(line: row.line, column: "store", "\(receipt) is of store '\(pending.sale.store)'"))
        }
        if row.terminal != pending.sale.terminal {
            fail(SalesImportError(line: row.line, column: "terminal", "\(receipt) is of terminal '\(pending.sale.terminal)'"))
        }
    }

    private mutating func add(_ row: Row, total: Int64, to pending: inout Pending) {
        if let hasLines = pending.hasLines, hasLines != row.isLine {
            fail(SalesImportError(line: row.line, column: "sku", "receipt '\(pending.sale.id)' (line \(pending.line)) has rows with a sku and rows without; give every row of a receipt a sku or none"))
        }
        pending.hasLines = row.isLine
        let (sum, overflow) = pending.sale.total.addingReportingOverflow(total)
        guard !overflow, sum <= Ledger.receiptTotalMax else {
            fail(SalesImportError(line: row.line, column: "total", "receipt '\(pending.sale.id)' adds up to more than \(Ledger.receiptTotalMax) minor units"))
            return
        }
        pending.sale.total = sum
        if let item = row.item {
            guard pending.sale.lines.count < options.limits.linesPerReceiptMax else {
                fail(SalesImportError(line: row.line, column: "sku", "receipt '\(pending.sale.id)' has more than \(options.limits.linesPerReceiptMax) lines (ledger.lines_per_receipt_max)"))
                return
            }
            pending.sale.lines.append(item)
        }
    }

    /// Closes the receipt being put together.
    private mutating func close() {
        guard let pending = current else { return }
        current = nil
        seenIDs[pending.sale.id] = pending.line
        sales.append(pending.sale)
        saleLines.append(pending.line)
    }
}
