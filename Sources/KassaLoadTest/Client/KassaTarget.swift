import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// Kassa over its HTTP API, as tills and staff use it.
public final class KassaTarget: LoadTarget {
    public let name = "kassa"
    public let summary: String
    let host: String
    let port: Int
    let token: String
    let group: MultiThreadedEventLoopGroup
    /// One per event loop: a till's connection lives on one loop and its worker runs there.
    /// Tills are dealt to the loops in turn (`openSession`). With one loop for all of them, a
    /// till's answer waited behind the other tills' work on that one thread, time the closed
    /// loop counted against the server: the same 80 tills did about 5% fewer receipts a
    /// second than on two loops, for the same CPU (the PostgreSQL baseline's client has a
    /// thread per connection).
    let executors: [EventLoopExecutor]
    /// The first loop, where the preparation's work runs.
    var executor: EventLoopExecutor { executors[0] }
    /// Tills given a loop so far.
    private let sessions = NextIndex()
    /// The server this tool started, when it was not given `--url`.
    let server: OwnServer?

    /// Requests that get no answer in this time are sent again on a new connection.
    static let requestTimeout = TimeAmount.seconds(15)

    /// A running server at `url` (http://host:port), with an admin token: the run uploads the
    /// catalog, enrols members and reads `/v1/stats`.
    public init(url: String, token: String, summary: String? = nil) throws {
        guard let parsed = URL(string: url), parsed.scheme == "http", let host = parsed.host else {
            throw LoadTestError("--url must be http://HOST:PORT, got '\(url)'")
        }
        self.host = host
        port = parsed.port ?? 80
        self.token = token
        server = nil
        (group, executors) = Self.loops()
        self.summary = summary ?? "Kassa at \(url)"
    }

    init(server: OwnServer) {
        host = "127.0.0.1"
        port = server.port
        token = server.token
        self.server = server
        (group, executors) = Self.loops()
        summary = "Kassa (this build) on a temporary data dir, durability fsync: every answer after fdatasync"
    }

    /// The client's event loops: one per core, at most four; the tool shares the machine with
    /// what it measures.
    private static func loops() -> (MultiThreadedEventLoopGroup, [EventLoopExecutor]) {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: min(max(System.coreCount, 1), 4))
        return (group, group.makeIterator().map { EventLoopExecutor(eventLoop: $0) })
    }

    /// Starts `kassa serve` from this binary on a temporary data directory and a free port.
    public static func startOwnServer(executable: String, keepData: Bool, log: @escaping @Sendable (String) -> Void) async throws -> KassaTarget {
        KassaTarget(server: try await OwnServer.start(executable: executable, keepData: keepData, log: log))
    }

    public func openSession() async throws -> any LoadSession {
        let loop = executors[(sessions.advance() - 1) % executors.count]
        return KassaSession(target: self, executor: loop, connection: try await connect(on: loop))
    }

    /// Why a connection could not be made, in a few words ("Connection refused") rather than
    /// the client library's nested description.
    static func reason(_ error: any Error) -> String {
        let failures = (error as? NIOConnectionError)?.connectionErrors.map(\.error) ?? [error]
        for failure in failures {
            if let failure = failure as? IOError { return String(cString: strerror(failure.errnoCode)) }
        }
        if let error = error as? NIOConnectionError, let dns = error.dnsAError ?? error.dnsAAAAError {
            let words = (dns as? SocketAddressError.UnknownHost)?.errorDescription ?? "\(dns)"
            return "the host name does not resolve (\(words))"
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return "no connection within \(requestTimeout.nanoseconds / 1_000_000_000) s"
        }
        return "\(error)"
    }

    /// A new connection on `loop` (the first one when not given).
    func connect(on loop: EventLoopExecutor? = nil) async throws -> HTTPConnection {
        try await HTTPConnection.connect(host: host, port: port, timeout: Self.requestTimeout, eventLoop: (loop ?? executor).eventLoop)
    }

    public func prepare(_ workload: Workload, progress: @escaping @Sendable (Int, Int) -> Void) async throws {
        let connection: HTTPConnection
        do {
            connection = try await connect()
        } catch {
            throw LoadTestError("cannot reach the server at http://\(host):\(port): \(KassaTarget.reason(error)); is kassa serve running there?")
        }
        defer { Task { await connection.close() } }
        if server != nil {
            let answer = try await connection.send(.PUT, "/v1/rules", token: token, body: { $0.writeString(LoadProgramme.document(for: workload)) })
            guard answer.status == 200 || answer.status == 201 else {
                throw LoadTestError("the server refused the load test's loyalty rules: \(answer.status) \(answer.text)")
            }
        }
        let products = workload.catalog.products
        let members = workload.members.count
        let total = products.count + members
        var done = 0
        for start in stride(from: 0, to: products.count, by: 2_000) {
            let chunk = products[start..<min(start + 2_000, products.count)]
            var body = #"{"products":["#
            for (index, product) in chunk.enumerated() {
                if index > 0 { body += "," }
                body += #"{"sku":"\#(product.sku)","name":"\#(product.name)","category":"\#(product.category)","price":\#(product.price)"#
                body += #","weighed":\#(product.weighed),"never_discounted":\#(product.neverDiscounted)}"#
            }
            body += "]}"
            let answer = try await connection.send(.PUT, "/v1/products", token: token, body: { $0.writeString(body) })
            guard (200..<300).contains(answer.status) else {
                throw LoadTestError("the server refused the catalog: \(answer.status) \(answer.text)")
            }
            done += chunk.count
            progress(done, total)
        }
        // A server that knows the first and the last member has them all from an earlier run.
        if members > 0 {
            let first = try await connection.send(.GET, "/v1/customers/\(workload.members.card(0))", token: token, body: nil)
            let last = try await connection.send(.GET, "/v1/customers/\(workload.members.card(members - 1))", token: token, body: nil)
            if first.status == 200, last.status == 200 {
                progress(total, total)
                return
            }
        }
        // Members are enrolled through the API, on several connections at once.
        let next = NextIndex()
        let enrolled = NextIndex()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<64 {
                group.addTask(executorPreference: executor) {
                    let connection = try await self.connect()
                    while let index = next.take(below: members) {
                        let member = workload.members.member(index)
                        let body = #"{"card":"\#(member.card)","phone":"\#(member.phone)","name":"\#(member.name)","birthdate":"\#(member.birthdate)","source":"\#(member.source)"}"#
                        let answer = try await connection.send(.POST, "/v1/customers", token: self.token, body: { $0.writeString(body) })
                        // 409: enrolled by an earlier run with the same seed.
                        guard answer.status == 200 || answer.status == 201 || answer.status == 409 else {
                            throw LoadTestError("the server refused member \(member.card): \(answer.status) \(answer.text)")
                        }
                        let count = enrolled.advance()
                        if count % 1_000 == 0 || count == members { progress(products.count + count, total) }
                    }
                    await connection.close()
                }
            }
            try await group.waitForAll()
        }
    }

    public func totals() async throws -> SystemTotals {
        let connection = try await connect()
        defer { Task { await connection.close() } }
        let answer = try await connection.send(.GET, "/v1/stats", token: token, body: nil)
        guard answer.status == 200, let stats = try? JSONSerialization.jsonObject(with: Data(answer.bytes)) as? [String: Any] else {
            throw LoadTestError("GET /v1/stats answered \(answer.status): \(answer.text)")
        }
        func number(_ key: String) -> Int64 { (stats[key] as? NSNumber)?.int64Value ?? 0 }
        return SystemTotals(receipts: number("receipts"), revenue: number("revenue"), pointsEarned: number("points_earned"),
                            pointsSpent: number("points_spent"), returns: number("returns"), voids: number("voids"))
    }

    public func shutdown() async {
        if let server { await server.stop() }
        try? await group.shutdownGracefully()
    }
}

/// Hands out 0, 1, 2… to concurrent workers, or counts what they have done.
final class NextIndex: Sendable {
    private let next = Mutex(0)

    /// Counts one more; answers the count after it.
    func advance() -> Int {
        next.withLock { value in
            value += 1
            return value
        }
    }

    func take(below limit: Int) -> Int? {
        next.withLock { value in
            guard value < limit else { return nil }
            defer { value += 1 }
            return value
        }
    }
}

/// One till's connection to Kassa. A request that gets no answer is sent again, with the same
/// id and body, on a new connection: Kassa answers a repeat with the original result.
final class KassaSession: LoadSession, @unchecked Sendable {
    private let target: KassaTarget
    // Used by one worker at a time (the protocol's rule), so it needs no lock.
    private var connection: HTTPConnection?
    /// The body of the last quote: the sale that follows it is the same basket at the same
    /// time plus its payment, so its body is this one with the payment added, not written again.
    private var quoted: (id: String, at: String, body: ByteBuffer)?

    /// The event loop its connection lives on, where its worker runs.
    private let loop: EventLoopExecutor

    init(target: KassaTarget, executor: EventLoopExecutor, connection: HTTPConnection) {
        self.target = target
        loop = executor
        self.connection = connection
    }

    var executor: (any TaskExecutor)? { loop }

    /// Sends, retrying transport failures and 503 (storage busy) a few times; other non-2xx
    /// answers are refusals.
    private func send(_ method: RequestMethod, _ path: String, body: ((inout ByteBuffer) -> Void)?) async throws -> HTTPAnswer {
        var attempt = 0
        while true {
            do {
                if connection == nil { connection = try await target.connect(on: loop) }
                let answer = try await connection!.send(method, path, token: target.token, body: body)
                if (200..<300).contains(answer.status) { return answer }
                if answer.status == 503 || answer.status == 429, attempt < 8 {
                    attempt += 1
                    try await Task.sleep(nanoseconds: 20_000_000 << UInt64(min(attempt, 5)))
                    continue
                }
                throw Self.refusal(answer)
            } catch let error as Refusal {
                throw error
            } catch {
                await connection?.close()
                connection = nil
                attempt += 1
                if attempt >= 5 { throw error }
                try await Task.sleep(nanoseconds: 50_000_000 << UInt64(attempt))
            }
        }
    }

    static func refusal(_ answer: HTTPAnswer) -> Refusal {
        let json = (try? JSONSerialization.jsonObject(with: Data(answer.bytes))) as? [String: Any]
        let error = json?["error"] as? [String: Any]
        return Refusal(status: answer.status, code: error?["code"] as? String ?? "unknown",
                       message: error?["message"] as? String ?? String(answer.text.prefix(200)))
    }

    /// The integers the contract promises in a 2xx answer, found in one pass; a missing one is a
    /// broken answer.
    private static func integers(_ answer: HTTPAnswer, _ paths: AnswerScan.Paths) throws -> [Int64] {
        let values = AnswerScan.integers(answer.body, paths)
        return try zip(paths.keys, values).map { path, value in
            guard let value else {
                throw Refusal(status: answer.status, code: "unreadable_answer",
                              message: "no \(path.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ".")) in: " + String(answer.text.prefix(200)))
            }
            return value
        }
    }

    static let quotePaths = AnswerScan.Paths([["total"]])
    static let salePaths = AnswerScan.Paths([["total"], ["points", "earned"], ["points", "spent"]])
    static let refundPaths = AnswerScan.Paths([["refund"], ["points", "earned_reversed"], ["points", "spent_restored"]])

    func quote(_ sale: SaleDraft, at: String) async throws -> Int64 {
        let answer = try await send(.POST, "/v1/quotes") { buffer in
            let start = buffer.writerIndex
            WireBody.sale(sale, at: at, payment: nil, into: &buffer)
            self.quoted = buffer.getSlice(at: start, length: buffer.writerIndex - start).map { (sale.id, at, $0) }
        }
        return try Self.integers(answer, Self.quotePaths)[0]
    }

    func sale(_ sale: SaleDraft, at: String, payment: Int64?) async throws -> SaleOutcome {
        let answer = try await send(.POST, "/v1/sales") { buffer in
            if let quoted = self.quoted, quoted.id == sale.id, quoted.at == at {
                WireBody.sale(quoted: quoted.body, payment: payment, into: &buffer)
            } else {
                WireBody.sale(sale, at: at, payment: payment, into: &buffer)
            }
        }
        let values = try Self.integers(answer, Self.salePaths)
        return SaleOutcome(total: values[0], pointsEarned: values[1], pointsSpent: values[2], replayed: answer.status == 200)
    }

    func saleReturn(_ draft: ReturnDraft, at: String) async throws -> RefundOutcome {
        try refund(try await send(.POST, "/v1/returns") { WireBody.saleReturn(draft, at: at, into: &$0) })
    }

    func void(_ draft: VoidDraft, at: String) async throws -> RefundOutcome {
        try refund(try await send(.POST, "/v1/voids") { WireBody.void(draft, at: at, into: &$0) })
    }

    private func refund(_ answer: HTTPAnswer) throws -> RefundOutcome {
        let values = try Self.integers(answer, Self.refundPaths)
        return RefundOutcome(refund: values[0], pointsEarnedReversed: values[1], pointsSpentRestored: values[2], replayed: answer.status == 200)
    }

    func lookup(card: String) async throws {
        _ = try await send(.GET, "/v1/customers/\(card)", body: nil)
    }

    func closeShift(store: String, terminal: String) async throws {
        _ = try await send(.POST, "/v1/shifts/\(terminal)/close", body: nil)
    }

    func close() async {
        await connection?.close()
        connection = nil
    }
}

/// A load test failed to set up or to run, with what to do about it.
public struct LoadTestError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
