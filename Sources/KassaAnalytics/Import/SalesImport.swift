import KassaCore

/// `kassa import sales`: another system's purchase history, as CSV, into receipts for the Ledger.
///
/// The file has a header. `customer`, `at` and `total` are required columns; `id`, `store`,
/// `terminal`, `sku`, `qty` and `price` are optional; any other column is refused. Each row is
/// one receipt, unless the file has an `id` column: then rows with the same id, next to each
/// other, are the lines of one receipt and must agree on `customer`, `at`, `store` and
/// `terminal` (an id that comes back after other receipts is a duplicate).
///
/// - `customer`: a loyalty card (6–19 digits), or empty for a receipt without one.
/// - `at`: a date (`2025-03-14`, taken as midnight UTC of that day, which is the day it counts
///   for) or an RFC 3339 time (`2025-03-14T10:15:00+03:00`); not in the future.
/// - `total`: what the row adds to the receipt, a whole number of minor units, not negative.
///   The receipt's total is the sum of its rows' totals.
/// - `sku`, `qty` (default 1, up to 3 decimals), `price` (minor units; may be left out when qty
///   is 1, then it is the row's total): a row with a sku is a line, and its total must be exactly
///   `qty × price` rounded half-up (an imported receipt carries no discounts). Within a receipt
///   either every row is a line or none is.
///
/// The whole file is checked before anything is applied, and every error is reported (up to
/// `Options.errorsMax`) as `line N: column 'total': …`.
public enum SalesImport {
    /// Columns a file must have.
    public static let requiredColumns = ["customer", "at", "total"]
    /// Columns a file may have.
    public static let optionalColumns = ["id", "store", "terminal", "sku", "qty", "price"]

    /// How a file is read.
    public struct Options: Sendable {
        /// Now: `at` may not be after it.
        public var now: Timestamp
        /// The store of receipts whose file gives none ("" for none).
        public var defaultStore: String = ""
        /// The Ledger's bounds (lines per receipt, prices).
        public var limits = LedgerLimits()
        /// The CSV reader's bounds.
        public var csv = CSVReader.Limits()
        /// Most errors reported; reading stops after them.
        public var errorsMax = 100

        /// Options as of `now`.
        public init(now: Timestamp) { self.now = now }
    }

    /// A file that passed every check.
    public struct File: Sendable {
        /// The import's id: from the file's content, the same when the same file is imported again.
        public var importID: String
        /// The receipts, in time order, numbered from 0 in that order.
        public var sales: [ImportedSale]
        /// The line of the file each receipt starts on, by ordinal (for messages).
        public var sourceLines: [Int]
        /// Data rows read.
        public var rows: Int
        /// Receipt lines.
        public var lines: Int
        /// Different cards on the receipts.
        public var cards: Int
    }

    /// What was wrong with a file: every error found, in line order, and whether there were more.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// The errors, at most `Options.errorsMax`.
        public var errors: [SalesImportError]
        /// True when reading stopped at `errorsMax`.
        public var truncated: Bool

        /// One error a line.
        public var description: String {
            (errors.map(\.description) + (truncated ? ["(stopped after \(errors.count) errors)"] : [])).joined(separator: "\n")
        }
    }

    /// The import id of a file's bytes: `sales-` and a 64-bit FNV-1a hash and the length, in hex.
    public static func importID(of bytes: [UInt8]) -> String {
        "sales-" + hex(Fingerprint.of(bytes)) + "-" + String(bytes.count, radix: 16)
    }

    /// Reads and checks a whole file.
    public static func parse(_ bytes: [UInt8], options: Options) -> Result<File, Failure> {
        var parser = SalesImportParser(importID: importID(of: bytes), options: options)
        parser.read(bytes)
        return parser.finish()
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// One error of an import file.
public struct SalesImportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Line of the file, from 1.
    public var line: Int
    /// The column at fault, when one is.
    public var column: String?
    /// What is wrong.
    public var message: String

    /// An error.
    public init(line: Int, column: String? = nil, _ message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    /// `line N: column 'c': message`.
    public var description: String {
        "line \(line): " + (column.map { "column '\($0)': " } ?? "") + message
    }
}
