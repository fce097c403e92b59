import Foundation
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

/// Normalising customer search keys.
public enum Directory {
    /// The digits of a phone number, however it was typed.
    public static func digits(_ phone: String) -> String { String(phone.unicodeScalars.filter { $0.value >= 0x30 && $0.value <= 0x39 }.map(Character.init)) }

    /// A name lower-cased for prefix search (Cyrillic included).
    public static func fold(_ name: String) -> String { name.lowercased() }
}

extension ProjectionStore {
    /// Customers whose phone digits equal those of `phone`.
    public func customers(phone: String, limit: Int) throws -> [String] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT card FROM directory WHERE phone_digits = ? ORDER BY card LIMIT ?",
                                arguments: [Directory.digits(phone), limit])
        }
    }

    /// Customers whose name (any word of it) or card starts with `text`, or whose phone digits
    /// end with its digits (the last digits are what a customer usually says).
    public func customers(matching text: String, limit: Int) throws -> [String] {
        let folded = Directory.fold(text.trimmingCharacters(in: .whitespaces))
        let digits = Directory.digits(text)
        return try read { db in
            var cards = try String.fetchAll(db, sql: """
                SELECT card FROM directory WHERE name_folded >= ? AND name_folded < ? OR name_folded LIKE ? ESCAPE '\\' ORDER BY card LIMIT ?
                """, arguments: [folded, folded + "\u{10FFFF}", "% " + escapeLike(folded) + "%", limit])
            if !digits.isEmpty && digits.count == text.filter({ !$0.isWhitespace && $0 != "+" && $0 != "-" }).count {
                cards += try String.fetchAll(db, sql: """
                    SELECT card FROM directory WHERE card >= ? AND card < ? OR phone_digits LIKE ? ESCAPE '\\' ORDER BY card LIMIT ?
                    """, arguments: [digits, digits + ":", "%" + escapeLike(digits), limit])
            }
            var seen = Set<String>()
            return Array(cards.filter { seen.insert($0).inserted }.prefix(limit))
        }
    }
}

private func escapeLike(_ text: String) -> String {
    text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
}

/// One line of the audit log as projected.
public struct AuditLine: Sendable, Equatable {
    public var seq: UInt64
    public var at: String
    public var actor: String
    public var role: String
    public var action: String
    public var subject: String
}

extension ProjectionStore {
    /// The audit log, newest first; only lines about `subject` when it is given.
    public func audit(subject: String?, beforeSeq: UInt64?, limit: Int) throws -> [AuditLine] {
        try read { db in
            let before = Int64(min(beforeSeq ?? UInt64(Int64.max), UInt64(Int64.max)))
            let rows: [Row]
            if let subject {
                rows = try Row.fetchAll(db, sql: "SELECT seq, at, actor, role, action, subject FROM audit WHERE subject = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
                                        arguments: [subject, before, limit])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT seq, at, actor, role, action, subject FROM audit WHERE seq < ? ORDER BY seq DESC LIMIT ?",
                                        arguments: [before, limit])
            }
            return rows.map { row in
                AuditLine(seq: UInt64(row[0] as Int64), at: row[1], actor: row[2], role: row[3], action: row[4], subject: row[5])
            }
        }
    }
}
