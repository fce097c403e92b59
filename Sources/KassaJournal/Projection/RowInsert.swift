import GRDB
import GRDBSQLite

/// One run of a cached INSERT, its values bound with SQLite's own calls. GRDB's
/// `StatementArguments` box every value in an existential; for the 28 lines of a receipt that
/// cost the projection several times SQLite's own work, on the cores the tills' answers need.
struct RowInsert {
    private let handle: OpaquePointer
    private let connection: OpaquePointer?
    private var column: Int32 = 0
    private var failedBind: Int32 = SQLITE_OK

    /// SQLite copies text bound this way, so the Swift string may go away at once.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ statement: Statement, in db: Database) {
        handle = statement.sqliteStatement
        connection = db.sqliteConnection
        sqlite3_reset(handle)
    }

    mutating func int(_ value: Int64) {
        column += 1
        note(sqlite3_bind_int64(handle, column, value))
    }

    mutating func int(_ value: Int) {
        int(Int64(value))
    }

    mutating func text(_ value: String) {
        column += 1
        var copy = value
        note(copy.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { sqlite3_bind_text(handle, column, $0.baseAddress, Int32(bytes.count), Self.transient) }
        })
    }

    /// Binds `bytes` (UTF-8) as text without copying them: SQLite reads them when `run` steps,
    /// so they must stay valid until `run` returns, as a journal payload does for the whole of
    /// the reader's call. `run` unbinds them.
    mutating func text(borrowing bytes: UnsafeRawBufferPointer) {
        column += 1
        // An empty buffer may have no address, and a null pointer would bind NULL, not "".
        let start = bytes.baseAddress ?? UnsafeRawPointer(Self.empty.utf8Start)
        note(sqlite3_bind_text(handle, column, start.assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil))
    }

    /// Binds a copy of `bytes` (UTF-8) as text, so the buffer may be reused at once.
    mutating func text(copying bytes: UnsafeRawBufferPointer) {
        column += 1
        let start = bytes.baseAddress ?? UnsafeRawPointer(Self.empty.utf8Start)
        note(sqlite3_bind_text(handle, column, start.assumingMemoryBound(to: CChar.self), Int32(bytes.count), Self.transient))
    }

    private static let empty: StaticString = ""

    mutating func text(_ value: String?) {
        guard let value else {
            column += 1
            note(sqlite3_bind_null(handle, column))
            return
        }
        text(value)
    }

    private mutating func note(_ code: Int32) {
        if code != SQLITE_OK, failedBind == SQLITE_OK { failedBind = code }
    }

    /// Steps the statement once; a failed bind or step throws SQLite's error and binds nothing
    /// further. The statement is reset either way, ready for the next row.
    func run() throws {
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        let code = failedBind != SQLITE_OK ? failedBind : sqlite3_step(handle)
        guard code == SQLITE_DONE else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "no connection"
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
        }
    }
}
