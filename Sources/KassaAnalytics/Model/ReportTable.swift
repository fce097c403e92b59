/// One cell of a report.
public enum ReportValue: Hashable, Sendable {
    case int(Int64)
    /// A ratio or a fitted value; written with up to 6 decimals.
    case number(Double)
    case text(String)
    case null
}

/// A report as rows and named columns: the one shape the HTTP routes write as JSON (an array of
/// objects) or CSV (a header line, then rows), and the exports write as files.
public struct ReportTable: Hashable, Sendable {
    /// Column names, `snake_case`.
    public var columns: [String]
    /// Rows, each with one value per column.
    public var rows: [[ReportValue]]

    public init(columns: [String], rows: [[ReportValue]] = []) {
        self.columns = columns
        self.rows = rows
    }

    /// Adds a row; it must have one value per column.
    public mutating func append(_ row: [ReportValue]) {
        precondition(row.count == columns.count, "a report row has \(row.count) values for \(columns.count) columns")
        rows.append(row)
    }

    /// The value of `column` in row `row`, for tests and callers that read a report back.
    public func value(_ column: String, row: Int) -> ReportValue? {
        columns.firstIndex(of: column).map { rows[row][$0] }
    }
}
