import CLibPQ
import Foundation
import Synchronization

/// One libpq connection: the only place this module calls libpq. It is Sendable only because
/// its session's ``ConnectionThread`` is the one thread that ever uses it; libpq connections
/// must not be used from two threads at once.
final class PostgresConnection: @unchecked Sendable {
    private var handle: OpaquePointer?

    init(conninfo: String) throws {
        guard let handle = PQconnectdb(conninfo) else {
            throw PostgresError(.connection, "libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = Self.text(PQerrorMessage(handle))
            PQfinish(handle)
            throw PostgresError(.connection, "could not connect (\(conninfo)): \(message)")
        }
        self.handle = handle
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    func close() {
        if let handle { PQfinish(handle) }
        handle = nil
    }

    /// Runs SQL without parameters: BEGIN, COMMIT, the schema (several statements are allowed).
    @discardableResult
    func execute(_ sql: String) throws -> PostgresRows {
        let handle = try open()
        return try take(PQexec(handle, sql), handle: handle, doing: sql.prefix(60))
    }

    /// Prepares a named statement; the server infers the parameters' types.
    func prepare(_ name: String, _ sql: String) throws {
        let handle = try open()
        _ = try take(PQprepare(handle, name, sql, 0, nil), handle: handle, doing: "PREPARE \(name)")
    }

    /// Runs a prepared statement with parameters in text form (nil is NULL).
    @discardableResult
    func run(_ statement: PostgresStatement, _ parameters: [String?]) throws -> PostgresRows {
        let handle = try open()
        let result = Self.withCStrings(parameters) { values in
            PQexecPrepared(handle, statement.rawValue, Int32(values.count), values, nil, nil, 0)
        }
        return try take(result, handle: handle, doing: statement.rawValue)
    }

    /// BEGIN, `body`, COMMIT; ROLLBACK when anything fails, and the failure is thrown on.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
    }

    /// COPY … FROM STDIN of `rows` lines made by `row`, sent in chunks; `progress` hears the
    /// rows sent so far after each chunk.
    func copyIn(_ sql: String, rows: Int, chunkRows: Int = 10_000, row: (Int) -> String, progress: (Int) -> Void) throws {
        let handle = try open()
        guard let started = PQexec(handle, sql) else { throw connectionError(handle, doing: sql) }
        let status = PQresultStatus(started)
        let startMessage = Self.text(PQresultErrorMessage(started))
        PQclear(started)
        guard status == PGRES_COPY_IN else { throw PostgresError(.statement, "\(sql): \(startMessage)") }
        var sent = 0
        var failure: PostgresError?
        while sent < rows, failure == nil {
            let end = min(rows, sent + chunkRows)
            var chunk = ""
            for index in sent..<end { chunk += row(index) }
            let accepted = chunk.withCString { PQputCopyData(handle, $0, Int32(chunk.utf8.count)) }
            if accepted != 1 { failure = connectionError(handle, doing: sql) }
            sent = end
            if failure == nil { progress(sent) }
        }
        _ = PQputCopyEnd(handle, failure == nil ? nil : "kassa loadtest gave up")
        // COPY ends with one result; read until libpq has none, so the connection is ready again.
        while let result = PQgetResult(handle) {
            if PQresultStatus(result) != PGRES_COMMAND_OK, failure == nil {
                failure = PostgresError(.statement, "\(sql): \(Self.text(PQresultErrorMessage(result)))")
            }
            PQclear(result)
        }
        if let failure { throw failure }
    }

    private func open() throws -> OpaquePointer {
        guard let handle else { throw PostgresError(.closed, "the PostgreSQL connection is closed") }
        return handle
    }

    /// Turns a result into rows or an error, and frees it.
    private func take(_ result: OpaquePointer?, handle: OpaquePointer, doing what: some StringProtocol) throws -> PostgresRows {
        guard let result else { throw connectionError(handle, doing: what) }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            let code: PostgresError.Code = PQstatus(handle) == CONNECTION_OK ? .statement : .connection
            throw PostgresError(code, "\(what): \(Self.text(PQresultErrorMessage(result)))", sqlState: sqlState)
        }
        return PostgresRows(result)
    }

    private func connectionError(_ handle: OpaquePointer, doing what: some StringProtocol) -> PostgresError {
        PostgresError(.connection, "\(what): \(Self.text(PQerrorMessage(handle)))")
    }

    private static func text(_ message: UnsafeMutablePointer<CChar>?) -> String {
        message.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "no message from libpq"
    }

    /// Calls `body` with C strings of `values` that live until it returns: all of them in one
    /// buffer, each NUL-terminated, so no pointer outlives the buffer it points into.
    private static func withCStrings<R>(_ values: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        var bytes: [CChar] = []
        var offsets: [Int?] = []
        for value in values {
            guard let value else {
                offsets.append(nil)
                continue
            }
            offsets.append(bytes.count)
            bytes.append(contentsOf: value.utf8CString)
        }
        return bytes.withUnsafeBufferPointer { buffer in
            body(offsets.map { offset in offset.flatMap { offset in buffer.baseAddress.map { UnsafePointer($0 + offset) } } })
        }
    }
}

/// A statement's answer, copied out of libpq's result: text values by row and column.
struct PostgresRows {
    var values: [[String?]]
    /// Rows inserted, updated or deleted (`PQcmdTuples`).
    var affected: Int

    init(_ result: OpaquePointer) {
        let rows = PQntuples(result), columns = PQnfields(result)
        values = (0..<rows).map { row in
            (0..<columns).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            }
        }
        affected = Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    var count: Int { values.count }

    func optionalText(_ row: Int, _ column: Int) throws -> String? {
        guard row < values.count, column < values[row].count else {
            throw PostgresError(.statement, "the answer has no row \(row), column \(column)")
        }
        return values[row][column]
    }

    func text(_ row: Int, _ column: Int) throws -> String {
        guard let value = try optionalText(row, column) else {
            throw PostgresError(.statement, "row \(row), column \(column) is NULL where a value was expected")
        }
        return value
    }

    func int64(_ row: Int, _ column: Int) throws -> Int64 {
        let value = try text(row, column)
        guard let number = Int64(value) else { throw PostgresError(.statement, "\(value) is not a whole number") }
        return number
    }

    func bool(_ row: Int, _ column: Int) throws -> Bool {
        try text(row, column) == "t"
    }
}
