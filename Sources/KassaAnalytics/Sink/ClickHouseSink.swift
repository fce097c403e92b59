import Foundation
import GRDB
import KassaJournal
import Synchronization

/// Streams the purchase history of `DATA/kassa.sqlite` and the segment snapshots to ClickHouse
/// (`INSERT … FORMAT JSONEachRow` over its HTTP interface), on a thread of its own.
///
/// Incremental and idempotent without any state of its own: a table's confirmed position is the
/// largest `seq` (for lines, `sale_seq` / `return_seq`) ClickHouse itself holds, read at start
/// and after every failure. Each INSERT carries the next rows in position order, at most
/// `clickHouseBatchRowsMax` of them and never more than ClickHouse takes as one block into a
/// table without partitions, so it is applied whole or not at all; a receipt's lines always
/// travel in one INSERT. After a failure that may have reached the server, the sink waits until
/// none of its INSERTs runs in ClickHouse any more before it reads the positions again.
///
/// Reads SQLite on a read-only connection of its own: WAL lets it read while the projector
/// writes, and it holds each read transaction for one batch only.
public final class ClickHouseSink: Sendable {
    /// What the sink has done, for `/metrics`.
    public struct Counters: Sendable, Equatable {
        /// Rows ClickHouse confirmed, per table, since this sink started.
        public var rowsSent: [ClickHouseTable: Int64] = [:]
        /// INSERTs ClickHouse confirmed.
        public var inserts: Int64 = 0
        /// Segment snapshots sent whole.
        public var snapshotsSent: Int64 = 0
        /// Failed attempts, all told.
        public var failures: Int64 = 0
        /// Failed attempts since the last success (0: the feed is healthy).
        public var consecutiveFailures: Int64 = 0
        /// The most recent failure, kept after recovery.
        public var lastError: String?
        /// The confirmed position of each history table (largest seq ClickHouse holds), once known.
        public var positions: [ClickHouseTable: UInt64] = [:]
    }

    /// A row beyond this many per INSERT could be split by ClickHouse into two blocks, and the
    /// INSERT would no longer be all or nothing (18.16's `max_insert_block_size` is 1,048,576;
    /// the sink also sets it on every INSERT so that a server profile cannot lower it).
    static let insertBlockRowsMax = 1_000_000
    static let insertBlockSetting = ("max_insert_block_size", "1048576")

    private let projectionPath: String
    private let url: String
    /// The URL as warnings show it: without a password.
    private let shownURL: String
    private let database: String
    private let batchRowsMax: Int
    private let intervalMilliseconds: Int
    private let retryDelayMillisecondsMax: Int
    private let requestTimeoutMilliseconds: Int
    private let warn: @Sendable (String) -> Void
    private let state = Mutex(SharedState())
    private let wake = NSCondition()

    private struct SharedState {
        var phase = Phase.idle
        var pending: SegmentSnapshot?
        /// A snapshot was published since the thread last went to sleep.
        var published = false
        var counters = Counters()
        var lastWarning = ""
    }

    private enum Phase {
        case idle
        case running
        case stopping
    }

    /// A sink reading the SQLite projection at `projectionPath` and sending to
    /// `options.clickHouseURL`. Nothing is checked or connected before `start()`: a bad URL or a
    /// ClickHouse that is down is reported through `warn` (once per distinct message) and retried
    /// with a backoff that doubles from the poll interval up to `retryDelayMillisecondsMax`.
    public init(projectionPath: String, options: AnalyticsOptions, warn: @escaping @Sendable (String) -> Void,
                retryDelayMillisecondsMax: Int = 30_000, requestTimeoutMilliseconds: Int = 30_000) {
        self.projectionPath = projectionPath
        url = options.clickHouseURL
        shownURL = Self.withoutPassword(options.clickHouseURL)
        database = options.clickHouseDatabase
        batchRowsMax = min(max(1, options.clickHouseBatchRowsMax), Self.insertBlockRowsMax)
        intervalMilliseconds = max(1, options.clickHouseIntervalMilliseconds)
        self.retryDelayMillisecondsMax = max(intervalMilliseconds, retryDelayMillisecondsMax)
        self.requestTimeoutMilliseconds = max(1, requestTimeoutMilliseconds)
        self.warn = warn
    }

    /// A sink over the history of `store` (read on a connection of the sink's own, never the store's).
    public convenience init(store: ProjectionStore, options: AnalyticsOptions, warn: @escaping @Sendable (String) -> Void,
                            retryDelayMillisecondsMax: Int = 30_000, requestTimeoutMilliseconds: Int = 30_000) {
        self.init(projectionPath: store.path, options: options, warn: warn, retryDelayMillisecondsMax: retryDelayMillisecondsMax,
                  requestTimeoutMilliseconds: requestTimeoutMilliseconds)
    }

    /// What the sink has done so far.
    public var counters: Counters { state.withLock { $0.counters } }

    /// Queues `snapshot` to be sent; an unsent snapshot queued earlier is dropped (one being sent
    /// is finished first, so that ClickHouse holds whole snapshots).
    public func publish(_ snapshot: SegmentSnapshot) {
        wake.lock()
        state.withLock { state in
            state.pending = snapshot
            state.published = true
        }
        wake.broadcast()
        wake.unlock()
    }

    /// Starts the sink's thread; does nothing if it runs.
    public func start() {
        let begin = state.withLock { state -> Bool in
            switch state.phase {
            case .idle:
                state.phase = .running
                return true
            case .running, .stopping:
                return false
            }
        }
        guard begin else { return }
        let thread = Thread { [self] in
            run()
            wake.lock()
            state.withLock { $0.phase = .idle }
            wake.broadcast()
            wake.unlock()
        }
        thread.name = "kassa-clickhouse"
        thread.start()
    }

    /// Stops the thread and returns when it has ended: an INSERT under way finishes (or times
    /// out) first, so that everything counted was confirmed by ClickHouse.
    public func stop() {
        wake.lock()
        defer { wake.unlock() }
        let running = state.withLock { state -> Bool in
            switch state.phase {
            case .idle:
                return false
            case .running, .stopping:
                state.phase = .stopping
                return true
            }
        }
        guard running else { return }
        wake.broadcast()
        while state.withLock({ $0.phase }) != .idle {
            wake.wait()
        }
    }

    var isStopping: Bool {
        state.withLock { state in
            switch state.phase {
            case .stopping: true
            case .idle, .running: false
            }
        }
    }

    // MARK: - The thread

    private func run() {
        var feed = ClickHouseFeed(sink: self)
        var failures = 0
        while !isStopping {
            let delayMilliseconds: Int
            do {
                try feed.sendAll()
                if failures > 0 { recovered(after: failures) }
                failures = 0
                delayMilliseconds = intervalMilliseconds
            } catch {
                failures += 1
                feed.forgetPositions()
                failed(error)
                delayMilliseconds = retryDelayMilliseconds(afterFailures: failures)
            }
            // A new snapshot cuts the poll interval short, never the backoff after a failure.
            sleep(milliseconds: delayMilliseconds, untilPublished: failures == 0)
        }
    }

    /// The poll interval doubled per failure, capped.
    private func retryDelayMilliseconds(afterFailures failures: Int) -> Int {
        let shift = min(failures - 1, 20)
        return min(intervalMilliseconds << shift, retryDelayMillisecondsMax)
    }

    /// Waits `milliseconds`, or less if stopped or (when `untilPublished`) handed a snapshot.
    private func sleep(milliseconds: Int, untilPublished: Bool) {
        let until = Date(timeIntervalSinceNow: Double(milliseconds) / 1000)
        wake.lock()
        defer { wake.unlock() }
        while !isStopping && !state.withLock({ $0.published && untilPublished }) {
            if !wake.wait(until: until) { break }
        }
        state.withLock { $0.published = false }
    }

    private func failed(_ error: any Error) {
        let message = "ClickHouse sink (\(shownURL.isEmpty ? "no URL" : shownURL), database \(database)): \(error); retrying"
        let repeated = state.withLock { state in
            state.counters.failures += 1
            state.counters.consecutiveFailures += 1
            state.counters.lastError = "\(error)"
            defer { state.lastWarning = message }
            return state.lastWarning == message
        }
        if !repeated { warn(message) }
    }

    private func recovered(after failures: Int) {
        state.withLock { state in
            state.counters.consecutiveFailures = 0
            state.lastWarning = ""
        }
        warn("ClickHouse sink (\(shownURL), database \(database)): sending again after \(failures) failed attempts")
    }

    private static func withoutPassword(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.password != nil else { return url }
        parts.password = "***"
        return parts.string ?? "(a URL with a password)"
    }

    // MARK: - For the feed

    /// The settings the feed works with.
    struct Settings {
        var projectionPath: String
        var url: String
        var database: String
        var batchRowsMax: Int
        var requestTimeoutMilliseconds: Int
    }

    var settings: Settings {
        Settings(projectionPath: projectionPath, url: url, database: database, batchRowsMax: batchRowsMax,
                 requestTimeoutMilliseconds: requestTimeoutMilliseconds)
    }

    /// Takes the queued snapshot, if any.
    func takePending() -> SegmentSnapshot? {
        state.withLock { state in
            defer { state.pending = nil }
            return state.pending
        }
    }

    func confirmed(_ table: ClickHouseTable, rows: Int, position: UInt64?) {
        state.withLock { state in
            state.counters.rowsSent[table, default: 0] += Int64(rows)
            state.counters.inserts += 1
            if let position { state.counters.positions[table] = position }
        }
    }

    func positionsRead(_ positions: [ClickHouseTable: UInt64]) {
        state.withLock { $0.counters.positions = positions }
    }

    func snapshotSent() {
        state.withLock { $0.counters.snapshotsSent += 1 }
    }
}

// MARK: - The feed

/// The sink's work, owned by its thread: the connections, the confirmed positions and the
/// snapshot being sent. Every position here is one ClickHouse confirmed.
private struct ClickHouseFeed {
    private let sink: ClickHouseSink
    private let settings: ClickHouseSink.Settings
    private var client: ClickHouseClient?
    private var history: DatabaseQueue?
    /// Confirmed positions, nil until read from ClickHouse (again after a failure).
    private var positions: [ClickHouseTable: UInt64]?
    private var snapshot: SnapshotProgress?
    /// Names this process's INSERTs, so that `system.processes` tells whether one still runs.
    private let queryPrefix: String
    private var queryCount: UInt64 = 0

    /// A snapshot on its way: its rows in byte order of the card (ClickHouse's `String` order),
    /// and the index of the first row ClickHouse does not hold, once known.
    private struct SnapshotProgress {
        var snapshot: SegmentSnapshot
        var rows: [CustomerSegment]
        var next: Int?
    }

    init(sink: ClickHouseSink) {
        self.sink = sink
        settings = sink.settings
        queryPrefix = "kassa-sink-\(settings.database)-"
    }

    /// Positions are read from ClickHouse again before the next INSERT.
    mutating func forgetPositions() {
        positions = nil
        snapshot?.next = nil
    }

    /// Sends everything new: history tables first, then the snapshot queued, if any.
    mutating func sendAll() throws {
        let client = try connectedClient()
        let history = try openedHistory()
        let positions = try confirmedPositions(client)
        for table in ClickHouseTable.history {
            var position = positions[table] ?? 0
            while !sink.isStopping, let batch = try readBatch(table, after: position, from: history) {
                try insert(batch.rows, rowCount: batch.count, into: table, client)
                position = batch.lastPosition
                self.positions?[table] = position
                sink.confirmed(table, rows: batch.count, position: position)
            }
        }
        guard !sink.isStopping else { return }
        if snapshot == nil, let next = sink.takePending() {
            snapshot = SnapshotProgress(snapshot: next, rows: Self.byteOrdered(next.customers), next: nil)
        }
        if snapshot != nil { try sendSnapshot(client) }
    }

    private mutating func connectedClient() throws -> ClickHouseClient {
        if let client { return client }
        guard !settings.url.isEmpty else { throw ClickHouseError(.invalidURL, "no ClickHouse URL is configured") }
        guard ClickHouseSchema.isValidName(settings.database) else {
            throw ClickHouseError(.invalidURL, "database name '\(settings.database)' is not letters, digits and underscores")
        }
        let made = try ClickHouseClient(url: settings.url, timeoutMilliseconds: settings.requestTimeoutMilliseconds)
        client = made
        return made
    }

    private mutating func openedHistory() throws -> DatabaseQueue {
        if let history { return history }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        let opened = try DatabaseQueue(path: settings.projectionPath, configuration: configuration)
        history = opened
        return opened
    }

    /// The positions, read from ClickHouse when not known: the schema made sure of first, and
    /// no INSERT of ours still running (one that timed out here may yet be applied there).
    private mutating func confirmedPositions(_ client: ClickHouseClient) throws -> [ClickHouseTable: UInt64] {
        if let positions { return positions }
        for statement in ClickHouseSchema.statements(database: settings.database) {
            try client.execute(statement)
        }
        let running = try client.execute("""
            SELECT count() FROM system.processes WHERE substring(query_id, 1, \(queryPrefix.utf8.count)) = '\(queryPrefix)' \
            FORMAT TabSeparated
            """)
        guard running.trimmingCharacters(in: .whitespacesAndNewlines) == "0" else {
            throw ClickHouseSinkError("an earlier INSERT still runs in ClickHouse; waiting for it to end before reading positions")
        }
        var read: [ClickHouseTable: UInt64] = [:]
        for table in ClickHouseTable.history {
            let column = ClickHouseSchema.positionColumn(table)
            let answer = try client.execute("""
                SELECT max(\(column)) FROM \(ClickHouseSchema.qualified(table, database: settings.database)) FORMAT TabSeparated
                """)
            guard let value = UInt64(answer.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw ClickHouseSinkError("ClickHouse answered '\(answer.prefix(80))' for max(\(column)) of \(table.rawValue)")
            }
            read[table] = value
        }
        positions = read
        sink.positionsRead(read)
        return read
    }

    private mutating func insert(_ rows: [UInt8], rowCount: Int, into table: ClickHouseTable, _ client: ClickHouseClient) throws {
        assert(rowCount > 0 && rowCount <= ClickHouseSink.insertBlockRowsMax, "an INSERT must be one block")
        queryCount += 1
        try client.insert(into: ClickHouseSchema.qualified(table, database: settings.database), rows: rows,
                          queryID: "\(queryPrefix)\(UUID().uuidString)-\(queryCount)", settings: [ClickHouseSink.insertBlockSetting])
    }

    // MARK: History

    private struct Batch {
        var rows: [UInt8]
        var count: Int
        var lastPosition: UInt64
    }

    /// The next rows of `table` after `position`, whole receipts only for lines; nil when none.
    private func readBatch(_ table: ClickHouseTable, after position: UInt64, from history: DatabaseQueue) throws -> Batch? {
        guard let sql = ClickHouseSchema.historyQuery(table) else { return nil }
        let limit = settings.batchRowsMax
        guard ClickHouseSchema.isGrouped(table) else {
            return try history.read { db in
                try Self.fetch(db, sql: sql, after: position, through: .max, limit: limit, grouped: false)?.batch
            }
        }
        return try history.read { db -> Batch? in
            // One row more than fits tells whether the last receipt may go on beyond the batch.
            guard var batch = try Self.fetch(db, sql: sql, after: position, through: .max, limit: limit + 1, grouped: true) else {
                return nil
            }
            guard batch.count > limit else { return batch.batch }
            if batch.lastGroupStart.count > 0 {
                batch.dropLastGroup()
                return batch.batch
            }
            // One receipt with more lines than a batch: it travels alone, as one block still.
            let whole = try Self.fetch(db, sql: sql, after: position, through: Int64(clamping: batch.lastPosition),
                                       limit: ClickHouseSink.insertBlockRowsMax + 1, grouped: true)
            guard let whole, whole.count <= ClickHouseSink.insertBlockRowsMax else {
                throw ClickHouseSinkError("\(table.rawValue) at position \(batch.lastPosition) has more rows than one INSERT block holds")
            }
            return whole.batch
        }
    }

    /// Rows as fetched, with where the last group (rows of one position) starts.
    private struct Fetched {
        var writer: JSONEachRowWriter
        var count = 0
        var lastPosition: UInt64 = 0
        /// Bytes, rows and position before the last group began.
        var lastGroupStart: (bytes: Int, count: Int, position: UInt64) = (0, 0, 0)

        var batch: Batch { Batch(rows: writer.bytes, count: count, lastPosition: lastPosition) }

        mutating func dropLastGroup() {
            writer.truncate(to: lastGroupStart.bytes)
            count = lastGroupStart.count
            lastPosition = lastGroupStart.position
        }
    }

    private static func fetch(_ db: Database, sql: String, after: UInt64, through: Int64, limit: Int, grouped: Bool) throws -> Fetched? {
        let statement = try db.cachedStatement(sql: sql)
        let keys = statement.columnNames
        let rows = try Row.fetchCursor(statement, arguments: [Int64(clamping: after), through, limit])
        var fetched = Fetched(writer: JSONEachRowWriter(capacity: 256 * min(limit, 10_000)))
        while let row = try rows.next() {
            let position = UInt64(clamping: row[0] as Int64)
            assert(position > after && position >= fetched.lastPosition, "history rows come in position order")
            if grouped && (fetched.count == 0 || position != fetched.lastPosition) {
                fetched.lastGroupStart = (fetched.writer.count, fetched.count, fetched.lastPosition)
            }
            fetched.writer.beginRow()
            for index in 0..<keys.count {
                fetched.writer.key(keys[index])
                write(row[index] as DatabaseValue, to: &fetched.writer)
            }
            fetched.writer.endRow()
            fetched.count += 1
            fetched.lastPosition = position
        }
        return fetched.count == 0 ? nil : fetched
    }

    private static func write(_ value: DatabaseValue, to writer: inout JSONEachRowWriter) {
        switch value.storage {
        case .null: writer.null()
        case .int64(let number): writer.integer(number)
        case .double(let number): writer.double(number)
        case .string(let text): writer.string(text)
        case .blob(let bytes): writer.string(String(decoding: bytes, as: UTF8.self))
        }
    }

    // MARK: Segments

    /// `rows` in byte order of the card, the order of ClickHouse's `max(card)`.
    private static func byteOrdered(_ rows: [CustomerSegment]) -> [CustomerSegment] {
        let precedes: (CustomerSegment, CustomerSegment) -> Bool = { $0.card.utf8.lexicographicallyPrecedes($1.card.utf8) }
        // Snapshots come ordered by card already (digits only); sorting is the rare case.
        if zip(rows, rows.dropFirst()).allSatisfy({ precedes($0, $1) }) { return rows }
        return rows.sorted(by: precedes)
    }

    private mutating func sendSnapshot(_ client: ClickHouseClient) throws {
        guard var progress = snapshot else { return }
        let identity = "number = \(progress.snapshot.number) AND computed_at = '\(progress.snapshot.computedAt.description)'"
        let table = ClickHouseSchema.qualified(.segments, database: settings.database)
        if progress.next == nil {
            let answer = try client.execute("SELECT count(), max(card) FROM \(table) WHERE \(identity) FORMAT TabSeparated")
            let fields = answer.trimmingCharacters(in: .newlines).split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 2, let held = Int(fields[0]) else {
                throw ClickHouseSinkError("ClickHouse answered '\(answer.prefix(80))' for the rows of snapshot \(progress.snapshot.number)")
            }
            let maxCard = Self.unescapedTSV(fields[1])
            progress.next = held == 0 ? 0 : Self.firstIndex(in: progress.rows, after: maxCard)
            snapshot = progress
        }
        while !sink.isStopping, let next = progress.next, next < progress.rows.count {
            let end = min(next + settings.batchRowsMax, progress.rows.count)
            let body = Self.segmentRows(progress.snapshot, progress.rows[next..<end])
            try insert(body, rowCount: end - next, into: .segments, client)
            progress.next = end
            snapshot = progress
            sink.confirmed(.segments, rows: end - next, position: nil)
        }
        if let next = progress.next, next >= progress.rows.count {
            snapshot = nil
            sink.snapshotSent()
        }
    }

    /// The index of the first row whose card comes after `card` in byte order.
    private static func firstIndex(in rows: [CustomerSegment], after card: String) -> Int {
        var low = 0, high = rows.count
        while low < high {
            let mid = (low + high) / 2
            if card.utf8.lexicographicallyPrecedes(rows[mid].card.utf8) { high = mid } else { low = mid + 1 }
        }
        return low
    }

    private static func segmentRows(_ snapshot: SegmentSnapshot, _ rows: ArraySlice<CustomerSegment>) -> [UInt8] {
        var writer = JSONEachRowWriter(capacity: rows.count * 320)
        let computedAt = snapshot.computedAt.description
        let asOf = snapshot.asOf.description
        for row in rows {
            writer.beginRow()
            writer.key("number"); writer.unsigned(snapshot.number)
            writer.key("computed_at"); writer.string(computedAt)
            writer.key("computed_at_ms"); writer.integer(snapshot.computedAt.epochMilliseconds)
            writer.key("as_of"); writer.string(asOf)
            writer.key("through_seq"); writer.unsigned(snapshot.throughSeq)
            writer.key("customers"); writer.integer(Int64(snapshot.customers.count))
            writer.key("card"); writer.string(row.card)
            writer.key("segment"); writer.string(row.segment)
            writer.key("r"); writer.integer(Int64(row.r))
            writer.key("f"); writer.integer(Int64(row.f))
            writer.key("m"); writer.integer(Int64(row.m))
            writer.key("frequency"); writer.integer(Int64(row.frequency))
            writer.key("recency_days"); writer.integer(Int64(row.recencyDays))
            writer.key("t_days"); writer.integer(Int64(row.tDays))
            writer.key("monetary"); writer.integer(row.monetary)
            writer.key("expected_purchases_90d"); writer.double(row.expectedPurchases90d)
            writer.key("clv"); writer.integer(row.clv)
            writer.endRow()
        }
        return writer.bytes
    }

    /// A `TabSeparated` field as text (ClickHouse escapes backslash, tab, newline and a few more).
    private static func unescapedTSV(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        var text = ""
        var escaped = false
        for character in field {
            if escaped {
                switch character {
                case "t": text.append("\t")
                case "n": text.append("\n")
                case "r": text.append("\r")
                case "0": text.append("\0")
                case "b": text.append("\u{8}")
                case "f": text.append("\u{c}")
                default: text.append(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                text.append(character)
            }
        }
        return text
    }
}

/// A failure of the sink's own reasoning (not of the connection), with what it is waiting for.
struct ClickHouseSinkError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
