import CLibPQ
import Foundation
import Synchronization

/// The tables of the PostgreSQL baseline, and the one query of its totals.
enum PostgresSchema {
    static let create = """
        CREATE TABLE products (sku text PRIMARY KEY, name text NOT NULL, category text NOT NULL, price bigint NOT NULL,
                               weighed boolean NOT NULL, never_discounted boolean NOT NULL);
        CREATE TABLE customers (card text PRIMARY KEY, phone text NOT NULL, name text NOT NULL, birthdate date, source text NOT NULL,
                                enrolled_at timestamptz NOT NULL DEFAULT now(), visits int NOT NULL DEFAULT 0,
                                spend bigint NOT NULL DEFAULT 0, points bigint NOT NULL DEFAULT 0, last_visit timestamptz);
        -- points_earned is kept so that a replay answers what the sale answered; shift_closed marks
        -- the receipts a Z-report has counted.
        CREATE TABLE receipts (id text PRIMARY KEY, store text NOT NULL, terminal text NOT NULL, cashier text NOT NULL,
                               at timestamptz NOT NULL, customer text, subtotal bigint NOT NULL, total bigint NOT NULL,
                               points_earned bigint NOT NULL, voided boolean NOT NULL DEFAULT false,
                               shift_closed boolean NOT NULL DEFAULT false);
        CREATE INDEX receipts_by_customer ON receipts (customer, at);
        CREATE INDEX receipts_open_shift ON receipts (store, terminal) WHERE NOT shift_closed;
        CREATE TABLE receipt_lines (receipt_id text NOT NULL, line_no int NOT NULL, sku text NOT NULL, qty_thousandths bigint NOT NULL,
                                    price bigint NOT NULL, amount bigint NOT NULL, category text NOT NULL,
                                    returned bigint NOT NULL DEFAULT 0, PRIMARY KEY (receipt_id, line_no));
        CREATE TABLE returns (id text PRIMARY KEY, sale text NOT NULL, at timestamptz NOT NULL, refund bigint NOT NULL);
        CREATE TABLE voids (id text PRIMARY KEY, sale text NOT NULL, at timestamptz NOT NULL, refund bigint NOT NULL,
                            points_reversed bigint NOT NULL);
        CREATE TABLE shifts (store text NOT NULL, terminal text NOT NULL, closed_at timestamptz NOT NULL, receipts bigint NOT NULL,
                             total bigint NOT NULL);
        """

    static let totals = """
        SELECT (SELECT count(*) FROM receipts),
               (SELECT coalesce(sum(total), 0) FROM receipts) - (SELECT coalesce(sum(refund), 0) FROM returns)
                   - (SELECT coalesce(sum(refund), 0) FROM voids),
               (SELECT coalesce(sum(points_earned), 0) FROM receipts) - (SELECT coalesce(sum(points_reversed), 0) FROM voids),
               (SELECT count(*) FROM returns),
               (SELECT count(*) FROM voids)
        """
}

/// The prepared statements of a session; the raw value is the statement's name on the server.
enum PostgresStatement: String, CaseIterable {
    case quotePrices = "quote_prices", quoteCustomer = "quote_customer"
    case saleInsert = "sale_insert", saleStored = "sale_stored", saleLines = "sale_lines", customerVisit = "customer_visit"
    case saleLock = "sale_lock", saleHasReturns = "sale_has_returns", customerTakeBack = "customer_take_back"
    case returnStored = "return_stored", returnLines = "return_lines", returnApply = "return_apply", returnInsert = "return_insert"
    case voidStored = "void_stored", voidMark = "void_mark", voidInsert = "void_insert"
    case lookupCustomer = "lookup_customer", lookupReceipts = "lookup_receipts", closeShift = "close_shift"

    var sql: String {
        switch self {
        case .quotePrices: "SELECT sku, price FROM products WHERE sku = ANY($1::text[])"
        case .quoteCustomer: "SELECT card, points, visits, spend, birthdate FROM customers WHERE card = $1"
        case .saleInsert:
            """
            INSERT INTO receipts (id, store, terminal, cashier, at, customer, subtotal, total, points_earned)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING
            """
        case .saleStored: "SELECT total, points_earned FROM receipts WHERE id = $1"
        case .saleLines:
            """
            INSERT INTO receipt_lines (receipt_id, line_no, sku, qty_thousandths, price, amount, category)
            SELECT $1, n, s, q, p, a, c FROM unnest($2::int[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::text[])
                AS t(n, s, q, p, a, c)
            """
        case .customerVisit:
            "UPDATE customers SET visits = visits + 1, spend = spend + $2, points = points + $3, last_visit = $4 WHERE card = $1"
        case .saleLock: "SELECT voided, customer, total, points_earned FROM receipts WHERE id = $1 FOR UPDATE"
        case .saleHasReturns: "SELECT EXISTS (SELECT 1 FROM receipt_lines WHERE receipt_id = $1 AND returned > 0)"
        case .customerTakeBack:
            "UPDATE customers SET visits = visits - $2::int, spend = spend - $3::bigint, points = points - $4::bigint WHERE card = $1"
        case .returnStored: "SELECT refund FROM returns WHERE id = $1"
        case .returnLines:
            """
            SELECT line_no, sku, qty_thousandths, price, returned FROM receipt_lines
            WHERE receipt_id = $1 AND sku = ANY($2::text[]) ORDER BY line_no
            """
        case .returnApply:
            """
            UPDATE receipt_lines AS l SET returned = l.returned + t.q FROM unnest($2::int[], $3::bigint[]) AS t(n, q)
            WHERE l.receipt_id = $1 AND l.line_no = t.n
            """
        case .returnInsert: "INSERT INTO returns (id, sale, at, refund) VALUES ($1, $2, $3, $4)"
        case .voidStored: "SELECT refund, points_reversed FROM voids WHERE id = $1"
        case .voidMark: "UPDATE receipts SET voided = true WHERE id = $1"
        case .voidInsert: "INSERT INTO voids (id, sale, at, refund, points_reversed) VALUES ($1, $2, $3, $4, $5)"
        case .lookupCustomer:
            "SELECT card, phone, name, birthdate, source, enrolled_at, visits, spend, points, last_visit FROM customers WHERE card = $1"
        case .lookupReceipts: "SELECT id, at, total, voided FROM receipts WHERE customer = $1 ORDER BY at DESC LIMIT 20"
        case .closeShift:
            // One statement, so one transaction: the receipts counted are exactly those marked.
            """
            WITH counted AS (UPDATE receipts SET shift_closed = true
                             WHERE store = $1::text AND terminal = $2::text AND NOT shift_closed RETURNING total)
            INSERT INTO shifts (store, terminal, closed_at, receipts, total)
            SELECT $1::text, $2::text, now(), count(*), coalesce(sum(total), 0) FROM counted
            """
        }
    }
}

/// Values in the text forms PostgreSQL reads: array literals for `unnest` and `ANY`, rows of COPY.
enum PostgresText {
    static func array(_ values: [String]) -> String {
        "{" + values.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }

    static func array<Number: BinaryInteger>(_ values: [Number]) -> String {
        "{" + values.map { String($0) }.joined(separator: ",") + "}"
    }

    /// One line of COPY's text format, newline included.
    static func copyRow(_ fields: [String]) -> String {
        fields.map { field in
            var escaped = ""
            for character in field.unicodeScalars {
                switch character {
                case "\\": escaped += "\\\\"
                case "\t": escaped += "\\t"
                case "\n": escaped += "\\n"
                case "\r": escaped += "\\r"
                default: escaped.unicodeScalars.append(character)
                }
            }
            return escaped
        }.joined(separator: "\t") + "\n"
    }
}
