import Foundation
import GRDB
import KassaCore

/// Reads the purchase history from `DATA/kassa.sqlite` on a read-only connection of its own, so
/// that analytics never waits for, nor holds up, the projector (WAL lets both run at once).
final class HistorySource: @unchecked Sendable {
    private let queue: DatabaseQueue
    /// Most journal positions folded per read transaction: bounds the memory a catch-up takes.
    static let seqSpanMax: UInt64 = 200_000

    init(path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        queue = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// The last journal position the history tables hold.
    func historySeq() throws -> UInt64 {
        try queue.read { db in
            UInt64(max(0, try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'history_seq'") ?? 0))
        }
    }

    /// Folds history entries with positions `after+1 ... through` into `builder`, in journal
    /// order per kind: enrolments first (a sale's card is then known), then sales, returns and
    /// voids (a return or void always comes after its sale).
    func fold(after: UInt64, through: UInt64, into builder: inout FactsBuilder) throws {
        try queue.read { db in
            let range: [DatabaseValueConvertible] = [Int64(after), Int64(through)]
            try foldEnrolments(db, range, into: &builder)
            try foldSales(db, range, into: &builder)
            try foldReturns(db, range, into: &builder)
            try foldVoids(db, range, into: &builder)
        }
        builder.setThroughSeq(through)
    }

    private func foldEnrolments(_ db: Database, _ range: [DatabaseValueConvertible], into builder: inout FactsBuilder) throws {
        // Rows projected before the directory had a `seq` carry 0: the first fold (after 0) takes them.
        let lower = (range[0] as? Int64) == 0 ? -1 : range[0]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT card, name, source, enrolled_day, birthdate FROM directory WHERE seq > ? AND seq <= ? ORDER BY seq
            """, arguments: StatementArguments([lower, range[1]]))
        while let row = try rows.next() {
            let birthdate: String? = row[4]
            builder.enrol(card: row[0], name: row[1], source: row[2], enrolledDay: Int32(truncatingIfNeeded: row[3] as Int64),
                          birthdate: birthdate.flatMap { LocalDate(iso: $0) })
        }
    }

    private func foldSales(_ db: Database, _ range: [DatabaseValueConvertible], into builder: inout FactsBuilder) throws {
        let sales = try Row.fetchCursor(db, sql: """
            SELECT seq, store, day, customer, subtotal, discount, total FROM sales WHERE seq > ? AND seq <= ? ORDER BY seq
            """, arguments: StatementArguments(range))
        let lines = try Row.fetchCursor(db, sql: """
            SELECT sale_seq, sku, qty, amount - discount FROM sale_lines WHERE sale_seq > ? AND sale_seq <= ? ORDER BY sale_seq, line
            """, arguments: StatementArguments(range))
        var pending: Row? = try lines.next()
        var sold: [SoldLine] = []
        while let sale = try sales.next() {
            let seq: Int64 = sale[0]
            sold.removeAll(keepingCapacity: true)
            while let line = pending, (line[0] as Int64) <= seq {
                if (line[0] as Int64) == seq { sold.append(SoldLine(sku: line[1], qtyThousandths: line[2], revenue: line[3])) }
                pending = try lines.next()
            }
            builder.sale(store: sale[1], day: Int32(truncatingIfNeeded: sale[2] as Int64), customer: sale[3],
                         subtotal: sale[4], discount: sale[5], total: sale[6], lines: sold)
        }
    }

    private func foldReturns(_ db: Database, _ range: [DatabaseValueConvertible], into builder: inout FactsBuilder) throws {
        let returns = try Row.fetchAll(db, sql: """
            SELECT r.seq, r.store, r.at, r.refund, s.store, s.day, s.customer, s.subtotal, s.discount
            FROM returns r LEFT JOIN sales s ON s.seq = (SELECT seq FROM sales WHERE id = r.sale_id AND seq < r.seq ORDER BY seq DESC LIMIT 1)
            WHERE r.seq > ? AND r.seq <= ? ORDER BY r.seq
            """, arguments: StatementArguments(range))
        let lineStatement = try db.cachedStatement(sql: "SELECT sku, qty, refund FROM return_lines WHERE return_seq = ? ORDER BY line")
        for row in returns {
            let at: String = row[2]
            let day = RFC3339.parse(at)?.localDay ?? Int32(truncatingIfNeeded: (row[5] as Int64?) ?? 0)
            let lines = try Row.fetchAll(lineStatement, arguments: [row[0] as Int64]).map {
                SoldLine(sku: $0[0], qtyThousandths: $0[1], revenue: $0[2])
            }
            builder.saleReturn(store: row[1], day: day, refund: row[3], sale: Self.original(row, from: 4), lines: lines)
        }
    }

    private func foldVoids(_ db: Database, _ range: [DatabaseValueConvertible], into builder: inout FactsBuilder) throws {
        let voids = try Row.fetchAll(db, sql: """
            SELECT v.seq, v.refund, s.seq, s.store, s.day, s.customer, s.subtotal, s.discount, v.sale_id
            FROM voids v LEFT JOIN sales s ON s.seq = (SELECT seq FROM sales WHERE id = v.sale_id AND seq < v.seq ORDER BY seq DESC LIMIT 1)
            WHERE v.seq > ? AND v.seq <= ? ORDER BY v.seq
            """, arguments: StatementArguments(range))
        // What is left of each line: sold, less what earlier returns of the same sale took back.
        let remaining = try db.cachedStatement(sql: """
            SELECT l.sku,
                   l.qty - COALESCE((SELECT SUM(rl.qty) FROM return_lines rl JOIN returns r ON r.seq = rl.return_seq
                                     WHERE r.sale_id = ? AND r.seq > ? AND r.seq < ? AND rl.sale_line = l.line), 0),
                   l.amount - l.discount - COALESCE((SELECT SUM(rl.refund) FROM return_lines rl JOIN returns r ON r.seq = rl.return_seq
                                     WHERE r.sale_id = ? AND r.seq > ? AND r.seq < ? AND rl.sale_line = l.line), 0)
            FROM sale_lines l WHERE l.sale_seq = ? ORDER BY l.line
            """)
        for row in voids {
            guard let sale = Self.original(row, from: 3), let saleSeq = row[2] as Int64? else { continue }
            let voidSeq: Int64 = row[0]
            let saleID: String = row[8]
            let lines = try Row.fetchAll(remaining, arguments: [saleID, saleSeq, voidSeq, saleID, saleSeq, voidSeq, saleSeq]).map {
                SoldLine(sku: $0[0], qtyThousandths: $0[1], revenue: $0[2])
            }
            let lineCount = try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM sale_lines WHERE sale_seq = ?", arguments: [saleSeq]) ?? 0
            builder.void(sale: sale, refund: row[1], lineCount: lineCount, remainingLines: lines)
        }
    }

    /// The sale columns of a joined row starting at `column`; nil when the sale is not in the
    /// history (a return against a sale older than the data dir cannot be attributed).
    private static func original(_ row: Row, from column: Int) -> OriginalSale? {
        guard let store = row[column] as String? else { return nil }
        return OriginalSale(store: store, day: Int32(truncatingIfNeeded: row[column + 1] as Int64), customer: row[column + 2],
                            subtotal: row[column + 3], discount: row[column + 4])
    }
}
