import GRDB
import KassaCore

/// One sale of a customer's purchase history, as projected into SQLite.
public struct HistorySale: Sendable, Equatable {
    public var seq: UInt64
    public var id: String
    public var store: String
    public var terminal: String
    public var at: String
    public var subtotal: Int64
    public var discount: Int64
    public var total: Int64
    public var pointsEarned: Int64
    public var pointsSpent: Int64
    public var lines: [Line]

    public struct Line: Sendable, Equatable {
        public var sku: String
        public var qtyThousandths: Int64
        public var price: Int64
        public var amount: Int64
        public var discount: Int64
        public var category: String
    }
}

extension ProjectionStore {
    /// A customer's sales, newest first, with journal position below `beforeSeq`; and the
    /// journal position the history has reached.
    public func history(card: CardNumber, beforeSeq: UInt64?, limit: Int) throws -> (sales: [HistorySale], historySeq: UInt64) {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT seq, id, store, terminal, at, subtotal, discount, total, points_earned, points_spent FROM sales
                WHERE customer = ? AND seq < ? ORDER BY seq DESC LIMIT ?
                """, arguments: [card.description, Int64(min(beforeSeq ?? UInt64(Int64.max), UInt64(Int64.max))), limit])
            var sales: [HistorySale] = []
            let lineStatement = try db.cachedStatement(sql: """
                SELECT sku, qty, price, amount, discount, category FROM sale_lines WHERE sale_seq = ? ORDER BY line
                """)
            for row in rows {
                let seq: Int64 = row[0]
                let lines = try Row.fetchAll(lineStatement, arguments: [seq]).map { line in
                    HistorySale.Line(sku: line[0], qtyThousandths: line[1], price: line[2], amount: line[3], discount: line[4], category: line[5])
                }
                sales.append(HistorySale(seq: UInt64(seq), id: row[1], store: row[2], terminal: row[3], at: row[4], subtotal: row[5],
                                         discount: row[6], total: row[7], pointsEarned: row[8], pointsSpent: row[9], lines: lines))
            }
            let position = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'history_seq'") ?? 0
            return (sales, UInt64(max(0, position)))
        }
    }
}
