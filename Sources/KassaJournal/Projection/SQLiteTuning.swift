import CKassaSQLite

/// SQLite's process-wide settings for Kassa's stores, applied once, before SQLite's first use.
///
/// Every connection is reached through GRDB, which hands it to one thread at a time, so SQLite's
/// own mutex around each call on a connection (serialized mode, the system library's default)
/// only costs time, as does the global mutex its memory statistics take around every allocation:
/// together about a twentieth of the history projection's CPU (the projection benchmark, three
/// alternating pairs: 53,700–56,100 receipts/s without these settings, 56,000–58,000 with them).
public enum SQLiteTuning {
    /// SQLite's result: 0 when applied; 21 (SQLITE_MISUSE) when something in the process used
    /// SQLite first, which leaves it in serialized mode, correct and only slower.
    public static let result: Int32 = kassa_sqlite_tune()

    /// Applies the settings if this is the first call and SQLite is not yet in use.
    @discardableResult
    public static func apply() -> Bool { result == 0 }
}
