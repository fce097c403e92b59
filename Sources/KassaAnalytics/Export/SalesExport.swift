import Foundation
import GRDB
import KassaCore

/// `kassa export sales`: every registered receipt of the history with its lines, in journal
/// order, read on a read-only connection of its own (a running server is not held up).
public struct SalesExport: Sendable {
    /// CSV columns: the receipt's, repeated on each of its lines, then the line's. A receipt
    /// without lines (an imported total) has one row with the line columns empty. `refunded`
    /// is what later returns and a void of the receipt paid back; `voided` is 1 for a voided one.
    public static let csvColumns = ["seq", "id", "store", "terminal", "cashier", "at", "customer", "subtotal", "discount", "total",
                                    "points_earned", "points_spent", "refunded", "voided", "line", "sku", "qty", "price", "amount", "line_discount",
                                    "category"]

    /// Receipts read per transaction.
    static let receiptsPerRead = 5000

    private let queue: DatabaseQueue

    /// Opens the history at `path` (`DATA/kassa.sqlite`) read-only.
    public init(historyPath path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        queue = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Writes receipts with positions after `afterSeq` to `out` in `format`; `progress` hears
    /// (receipts written, the last position to reach) after each read. Answers receipts written.
    @discardableResult
    public func write(_ format: ExportFormat, afterSeq: UInt64 = 0, to out: (String) throws -> Void,
                      progress: (Int, UInt64, UInt64) -> Void = { _, _, _ in }) throws -> Int {
        try out(Self.header(format))
        let last = try queue.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM sales") ?? 0 }
        var position = Int64(clamping: afterSeq)
        var written = 0
        while position < last {
            let (text, reached, count) = try queue.read { db in try chunk(db, after: position, format: format) }
            guard count > 0 else { break }
            try out(text)
            position = reached
            written += count
            progress(written, UInt64(position), UInt64(last))
        }
        return written
    }

    /// The header for `format` (CSV's column line; nothing for JSON Lines).
    public static func header(_ format: ExportFormat) -> String {
        format == .csv ? csvColumns.joined(separator: ",") + "\n" : ""
    }

    /// The next receipts after position `after` as text, the position reached and how many;
    /// nil at the end of the history.
    public func nextChunk(after: UInt64, format: ExportFormat) throws -> (text: String, reached: UInt64, count: Int)? {
        let (text, reached, count) = try queue.read { db in try chunk(db, after: Int64(clamping: after), format: format) }
        return count == 0 ? nil : (text, UInt64(reached), count)
    }

    private func chunk(_ db: Database, after: Int64, format: ExportFormat) throws -> (String, Int64, Int) {
        let receipts = try Row.fetchAll(db, sql: """
            SELECT s.seq, s.id, s.store, s.terminal, s.cashier, s.at, s.customer, s.subtotal, s.discount, s.total, s.points_earned,
                   s.points_spent,
                   (SELECT COALESCE(SUM(r.refund), 0) FROM returns r WHERE r.sale_id = s.id AND r.seq > s.seq)
                     + (SELECT COALESCE(SUM(v.refund), 0) FROM voids v WHERE v.sale_id = s.id AND v.seq > s.seq),
                   EXISTS (SELECT 1 FROM voids v WHERE v.sale_id = s.id AND v.seq > s.seq)
            FROM sales s WHERE s.seq > ? ORDER BY s.seq LIMIT ?
            """, arguments: [after, Self.receiptsPerRead])
        guard let lastSeq = receipts.last?[0] as Int64? else { return ("", after, 0) }
        let lines = try Row.fetchAll(db, sql: """
            SELECT sale_seq, line, sku, qty, price, amount, discount, category FROM sale_lines
            WHERE sale_seq > ? AND sale_seq <= ? ORDER BY sale_seq, line
            """, arguments: [after, lastSeq])
        var text = ""
        var next = 0
        for receipt in receipts {
            let seq: Int64 = receipt[0]
            let start = next
            while next < lines.count && (lines[next][0] as Int64) == seq { next += 1 }
            let own = lines[start..<next]
            switch format {
            case .csv: Self.csv(receipt, own, into: &text)
            case .jsonl: Self.jsonLine(receipt, own, into: &text)
            }
        }
        return (text, lastSeq, receipts.count)
    }

    private static func receiptValues(_ r: Row) -> [ReportValue] {
        [.int(r[0]), .text(r[1]), .text(r[2]), .text(r[3]), .text(r[4]), .text(r[5]), (r[6] as String?).map(ReportValue.text) ?? .null,
         .int(r[7]), .int(r[8]), .int(r[9]), .int(r[10]), .int(r[11]), .int(r[12]), .int(r[13])]
    }

    private static func lineValues(_ l: Row) -> [ReportValue] {
        [.int(l[1]), .text(l[2]), .number(Double(l[3] as Int64) / 1000), .int(l[4]), .int(l[5]), .int(l[6]), .text(l[7])]
    }

    private static func csv(_ receipt: Row, _ lines: ArraySlice<Row>, into text: inout String) {
        let head = receiptValues(receipt)
        var table = ReportTable(columns: csvColumns)
        if lines.isEmpty {
            table.append(head + Array(repeating: .null, count: 7))
        } else {
            for line in lines { table.append(head + lineValues(line)) }
        }
        text += table.csv().drop { $0 != "\n" }.dropFirst()
    }

    private static func jsonLine(_ receipt: Row, _ lines: ArraySlice<Row>, into text: inout String) {
        let head = ReportTable(columns: Array(csvColumns.prefix(14)), rows: [receiptValues(receipt)]).jsonLines()
        let lineColumns = ["line", "sku", "qty", "price", "amount", "discount", "category"]
        let nested = ReportTable(columns: lineColumns, rows: lines.map(lineValues)).jsonLines()
            .split(separator: "\n").joined(separator: ",")
        // The receipt object with its lines appended as the last member.
        text += head.dropLast(2) + ",\"lines\":[" + nested + "]}\n"
    }
}
