import KassaAnalytics
import KassaCore
import KassaJournal
import KassaLoyalty

/// Analytics over a stopped data dir, for `kassa export` without `--url`: the directory is
/// locked and recovered like `kassa serve` does (so the history catches up with the journal
/// first), then read; nothing is served.
public final class DataDirectoryAnalytics {
    private let storage: Storage
    /// The history, read-only.
    public let historyPath: String
    /// The analytics options of the configuration.
    public let options: AnalyticsOptions

    /// Locks and recovers `directory`; `warn` hears what recovery reports (a torn tail cut).
    /// A directory that is not a data directory `kassa serve` has used (mistyped, or
    /// never started) is refused rather than created: an export from it would be empty.
    public init(directory: String, configuration: KassaConfiguration, warn: @escaping @Sendable (String) -> Void) throws {
        guard Storage.hasJournal(directory) else { throw NotADataDirectory(directory: directory) }
        storage = try Storage.open(directory: directory, options: configuration.storageOptions, pricing: LoyaltyPricing(), warn: warn)
        try storage.projectNow(snapshot: false)
        historyPath = storage.projection.path
        options = configuration.analytics
    }

    /// Unlocks the directory.
    public func close() {
        storage.stop()
    }
}

/// `kassa export --data DIR` given a directory with no journal.
public struct NotADataDirectory: Error, CustomStringConvertible {
    public let directory: String
    public var description: String {
        "\(directory) is not a Kassa data directory (it has no journal): give the one `kassa serve` uses with --data, or a running server with --url and --token"
    }
}
