/// The file formats of `kassa export`.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// RFC 4180 CSV with a header line; sales one row per receipt line.
    case csv
    /// JSON Lines; sales one object per receipt with its lines nested.
    case jsonl
}
