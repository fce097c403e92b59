/// The rows of `kassa export segments` and of `/v1/segments/{name}?format=csv`, written one
/// customer at a time so that ten million customers never sit in memory as text.
extension CustomerSegment {
    /// Column names, in the contract's order.
    public static let columns = ["card", "segment", "rfm", "r", "f", "m", "frequency", "recency_days", "t_days", "monetary",
                                 "expected_purchases_90d", "clv"]

    /// The values in `columns` order.
    public var values: [ReportValue] {
        [.text(card), .text(segment), .text(rfm), .int(Int64(r)), .int(Int64(f)), .int(Int64(m)), .int(Int64(frequency)),
         .int(Int64(recencyDays)), .int(Int64(tDays)), .int(monetary), .number(expectedPurchases90d), .int(clv)]
    }

    /// The CSV header line.
    public static var csvHeader: String { columns.joined(separator: ",") + "\n" }

    /// One CSV line.
    public var csvLine: String {
        let text = ReportTable(columns: Self.columns, rows: [values]).csv()
        return String(text[text.index(after: text.firstIndex(of: "\n") ?? text.startIndex)...])
    }

    /// One JSON Lines line.
    public var jsonLine: String { ReportTable(columns: Self.columns, rows: [values]).jsonLines() }
}
