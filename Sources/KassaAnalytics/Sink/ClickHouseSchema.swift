/// A table of the analytics feed in ClickHouse.
public enum ClickHouseTable: String, CaseIterable, Sendable, Hashable {
    /// Receipts, one row per sale (`sales` in SQLite).
    case sales
    /// Receipt lines, with the sale's store and day.
    case saleLines = "sale_lines"
    /// Returns, one row per return receipt.
    case returns
    /// Returned lines.
    case returnLines = "return_lines"
    /// Voided sales.
    case voids
    /// Segment snapshots, one row per customer per snapshot.
    case segments

    /// The tables copied from the purchase history, in the order the sink sends them.
    static let history: [ClickHouseTable] = [.sales, .saleLines, .returns, .returnLines, .voids]
}

/// The ClickHouse side of the feed: the tables, and how rows of `kassa.sqlite` become theirs.
///
/// Written for ClickHouse 18.16 (Debian 12's) and later: `MergeTree` in the `ORDER BY` syntax,
/// no `LowCardinality` (experimental there) and no `DateTime64` (absent there). No table has a
/// partition key, on purpose: ClickHouse writes an INSERT of up to `max_insert_block_size` rows as
/// one part per partition, so a single partition makes every such INSERT all or nothing, which
/// is what lets the sink resume from `max(seq)` without duplicates.
///
/// The history tables mirror SQLite's, column for column, with three additions: `time`, the
/// instant as a `DateTime` (UTC seconds, from `at_ms`); `day`, the store's local day as a `Date`;
/// and on `sale_lines`, the sale's `store` and `day`, so that product reports need no join.
/// `at` keeps the RFC 3339 text with the till's UTC offset.
enum ClickHouseSchema {
    /// `CREATE DATABASE` and `CREATE TABLE … IF NOT EXISTS` for every table, in order.
    static func statements(database: String) -> [String] {
        let db = quoted(database)
        return ["CREATE DATABASE IF NOT EXISTS \(db)"] + ClickHouseTable.allCases.map { table in
            "CREATE TABLE IF NOT EXISTS \(db).\(quoted(table.rawValue)) (\(columns(table))) ENGINE = MergeTree ORDER BY \(order(table))"
        }
    }

    /// The table's name qualified by the database, quoted.
    static func qualified(_ table: ClickHouseTable, database: String) -> String {
        "\(quoted(database)).\(quoted(table.rawValue))"
    }

    /// Whether `name` can name a database: letters, digits and underscores, not starting with a digit.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
        return name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
        }
    }

    private static func quoted(_ name: String) -> String {
        precondition(isValidName(name), "ClickHouse names are checked before they reach SQL")
        return "`\(name)`"
    }

    /// The column whose largest value in ClickHouse is the table's confirmed position.
    static func positionColumn(_ table: ClickHouseTable) -> String {
        switch table {
        case .sales, .returns, .voids: "seq"
        case .saleLines: "sale_seq"
        case .returnLines: "return_seq"
        case .segments: "card"
        }
    }

    /// Whether rows come in groups (a receipt's lines) that must travel in one INSERT.
    static func isGrouped(_ table: ClickHouseTable) -> Bool {
        switch table {
        case .saleLines, .returnLines: true
        case .sales, .returns, .voids, .segments: false
        }
    }

    private static func columns(_ table: ClickHouseTable) -> String {
        switch table {
        case .sales:
            """
            seq UInt64, id String, store String, terminal String, cashier String, at String, at_ms Int64, time DateTime, \
            day Date, customer Nullable(String), subtotal Int64, discount Int64, total Int64, points_earned Int64, \
            points_spent Int64, points_expired Int64, rules_version UInt32, payments String
            """
        case .saleLines:
            """
            sale_seq UInt64, line UInt32, store String, day Date, sku String, qty Int64, price Int64, amount Int64, \
            discount Int64, category String, rules String
            """
        case .returns:
            """
            seq UInt64, id String, sale_id String, store String, terminal String, cashier String, at String, at_ms Int64, \
            time DateTime, refund Int64, points_earned_reversed Int64, points_spent_restored Int64
            """
        case .returnLines:
            "return_seq UInt64, line UInt32, sale_line UInt32, sku String, qty Int64, refund Int64"
        case .voids:
            """
            seq UInt64, id String, sale_id String, terminal String, cashier String, at String, at_ms Int64, time DateTime, \
            refund Int64, reason String
            """
        case .segments:
            """
            number UInt64, computed_at String, computed_at_ms Int64, as_of Date, through_seq UInt64, customers UInt32, \
            card String, segment String, r UInt8, f UInt8, m UInt8, frequency UInt32, recency_days UInt32, t_days UInt32, \
            monetary Int64, expected_purchases_90d Float64, clv Int64
            """
        }
    }

    private static func order(_ table: ClickHouseTable) -> String {
        switch table {
        case .sales: "(day, seq)"
        case .saleLines: "(sale_seq, line)"
        case .returns, .voids: "seq"
        case .returnLines: "(return_seq, line)"
        case .segments: "(computed_at_ms, number, card)"
        }
    }

    /// The SQLite query giving a history table's rows with positions in `(?, ?]`, at most `?`
    /// of them, in position order; result columns are named and typed as ClickHouse's (a
    /// `Date` as `YYYY-MM-DD` text, a `DateTime` as UNIX seconds). Column 0 is the position; nil
    /// for `segments`, which come from a `SegmentSnapshot`.
    static func historyQuery(_ table: ClickHouseTable) -> String? {
        switch table {
        case .sales:
            return """
            SELECT seq, id, store, terminal, cashier, at, at_ms, at_ms / 1000 AS time, date(day * 86400, 'unixepoch') AS day,
                customer, subtotal, discount, total, points_earned, points_spent, points_expired, rules_version, payments
            FROM sales WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?
            """
        case .saleLines:
            // LEFT JOIN: a line always comes with its sale (one transaction), but if it ever did
            // not, it must still travel rather than hold the feed up for good.
            return """
            SELECT l.sale_seq, l.line, COALESCE(s.store, '') AS store, date(COALESCE(s.day, 0) * 86400, 'unixepoch') AS day,
                l.sku, l.qty, l.price, l.amount, l.discount, l.category, l.rules
            FROM sale_lines l LEFT JOIN sales s ON s.seq = l.sale_seq
            WHERE l.sale_seq > ? AND l.sale_seq <= ? ORDER BY l.sale_seq, l.line LIMIT ?
            """
        case .returns:
            return """
            SELECT seq, id, sale_id, store, terminal, cashier, at, at_ms, at_ms / 1000 AS time, refund,
                points_earned_reversed, points_spent_restored
            FROM returns WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?
            """
        case .returnLines:
            return """
            SELECT return_seq, line, sale_line, sku, qty, refund
            FROM return_lines WHERE return_seq > ? AND return_seq <= ? ORDER BY return_seq, line LIMIT ?
            """
        case .voids:
            return """
            SELECT seq, id, sale_id, terminal, cashier, at, at_ms, at_ms / 1000 AS time, refund, reason
            FROM voids WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?
            """
        case .segments:
            return nil
        }
    }
}
