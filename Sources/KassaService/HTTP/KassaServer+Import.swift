import Foundation
import Hummingbird
import KassaCore
import KassaJournal

extension KassaServer {
    /// `POST /v1/imports/sales` (admin): one chunk of an import of another system's sales
    /// history, as `kassa import sales --url` sends it. Each receipt is its own Ledger command;
    /// receipts of the import applied before (a rerun after a failure) are skipped, so sending a
    /// chunk again is always safe. Answers 201 when something was applied, 200 when it all was
    /// already.
    func importRoutes(_ router: Router<KassaContext>) {
        route(router, .post, "/v1/imports/sales", roles: [.admin]) { request, _, storage in
            let sales = try SalesImportWire.chunk(try await self.body(request), limits: self.configuration.limits)
            let outcomes = await storage.committer.submit(sales.map { LedgerCommand.importSale($0) })
            var summary = SalesImportWire.Summary()
            for (index, outcome) in outcomes.enumerated() {
                switch outcome {
                case .done(.saleImported(_, let enrolled), let created):
                    if created {
                        summary.imported += 1
                        summary.lines += sales[index].lines.count
                        if enrolled { summary.enrolled += 1 }
                    } else {
                        summary.skipped += 1
                    }
                case .done:
                    throw APIError.unexpectedAnswer
                case .rejected(let error):
                    var refusal = APIError(error)
                    refusal.field = "sales[\(index)]" + (error.field.map { ".\($0)" } ?? "")
                    refusal.message += " (receipts before it in this chunk were applied; send the chunk again once it is fixed)"
                    throw refusal
                case .unavailable(let why):
                    throw APIError(why)
                }
            }
            return json(summary.imported > 0 ? .created : .ok) { w in
                w.object { w in
                    w.field("enrolled", summary.enrolled)
                    w.field("import_id", sales.first?.importID ?? "")
                    w.field("imported", summary.imported)
                    w.field("lines", summary.lines)
                    w.field("skipped", summary.skipped)
                }
            }
        }
    }
}

/// The JSON of `POST /v1/imports/sales`: written by `kassa import sales --url`, read by the
/// service.
public enum SalesImportWire {
    /// Most receipts one request may carry.
    public static let receiptsMax = 1000

    /// What one chunk did.
    public struct Summary: Sendable, Equatable {
        /// Receipts applied now.
        public var imported = 0
        /// Receipts that had been applied before.
        public var skipped = 0
        /// Lines on the receipts applied now.
        public var lines = 0
        /// Customers enrolled by them.
        public var enrolled = 0

        /// Nothing yet.
        public init() {}
    }

    /// The request body for `sales` (all of one import).
    public static func body(_ sales: ArraySlice<ImportedSale>) -> [UInt8] {
        var w = JSONWriter()
        w.object { w in
            w.field("import_id", sales.first?.importID ?? "")
            w.array("sales", sales) { w, sale in
                w.object { w in
                    w.field("at", sale.at.description)
                    if let card = sale.customer { w.field("customer", card.description) }
                    w.field("id", sale.id)
                    if !sale.lines.isEmpty {
                        w.array("lines", sale.lines) { w, line in
                            w.object { w in
                                w.field("price", line.price)
                                w.field("qty", line.qty)
                                w.field("sku", line.sku.code)
                            }
                        }
                    }
                    w.field("ordinal", sale.ordinal)
                    if !sale.store.isEmpty { w.field("store", sale.store) }
                    if !sale.terminal.isEmpty { w.field("terminal", sale.terminal) }
                    w.field("total", sale.total)
                }
            }
        }
        return w.bytes
    }

    /// The receipts of a request body, each checked as the Ledger will check it.
    static func chunk(_ body: JSONObject, limits: LedgerLimits) throws(APIError) -> [ImportedSale] {
        try body.only(["import_id", "sales"])
        let importID = try body.requiredString("import_id", max: Identifier.lengthMax)
        let items = try body.array("sales", max: receiptsMax)
        guard !items.isEmpty else { throw APIError.invalid("sales", "send at least one receipt") }
        var sales: [ImportedSale] = []
        sales.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            try item.only(["ordinal", "id", "store", "terminal", "at", "customer", "total", "lines"])
            guard let ordinal = try item.integer("ordinal"), let number = UInt32(exactly: ordinal) else {
                throw APIError.invalid(item.name("ordinal"), "\(item.name("ordinal")) must be 0 to \(UInt32.max - 1)")
            }
            var lines: [ImportedLine] = []
            for line in try item.array("lines", max: limits.linesPerReceiptMax, required: false) {
                try line.only(["sku", "qty", "price"])
                guard let price = try line.integer("price") else { throw APIError.invalid(line.name("price"), "price is required") }
                lines.append(ImportedLine(sku: try line.sku("sku"), qty: try line.quantity("qty"), price: price))
            }
            guard let total = try item.integer("total") else { throw APIError.invalid(item.name("total"), "total is required") }
            let sale = ImportedSale(importID: importID, ordinal: number, id: try item.requiredString("id", max: Identifier.lengthMax),
                                    store: try item.string("store", max: Identifier.lengthMax, required: false) ?? "",
                                    terminal: try item.string("terminal", max: Identifier.lengthMax, required: false) ?? "",
                                    at: try item.timestamp("at"), customer: try item.card("customer", required: false),
                                    total: total, lines: lines)
            do throws(LedgerError) {
                try Ledger.validate(sale, limits: limits)
            } catch {
                var refusal = APIError(error)
                refusal.field = error.field == "import_id" ? "import_id" : "sales[\(index)]" + (error.field.map { ".\($0)" } ?? "")
                throw refusal
            }
            sales.append(sale)
        }
        return sales
    }
}
