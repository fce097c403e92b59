import Foundation
import Hummingbird
import KassaCore
import KassaJournal
import KassaLoyalty
import Logging
import Synchronization

/// The service behind the tills: recovery in the background (`/readyz` answers 503 until it is
/// done), then every route of the contract on the recovered storage.
public final class KassaServer: Sendable {
    public let configuration: KassaConfiguration
    public let dataDirectory: String
    let logger: Logger
    public let tokens: TokenStore
    public let metrics = ServiceMetrics()
    /// The loyalty engine: prices sales on the writer, and quotes and customer cards on readers.
    let pricing = LoyaltyPricing()
    let limiter: RateLimiter
    private let storageBox = Mutex<Storage?>(nil)
    private let failureBox = Mutex<String?>(nil)
    let analyticsBox = Mutex<AnalyticsRuntime?>(nil)
    let analyticsFailure = Mutex<String?>(nil)
    /// The request metrics of each route and method, shared by the router and the fast path.
    private let routeMetricsBox = Mutex<[String: RouteMetrics]>([:])

    public init(configuration: KassaConfiguration, dataDirectory: String, logger: Logger) throws {
        self.configuration = configuration
        self.dataDirectory = dataDirectory
        self.logger = logger
        limiter = RateLimiter(requestsPerSecond: configuration.requestsPerSecondMax)
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        tokens = try TokenStore(directory: dataDirectory, environmentAdminToken: ProcessInfo.processInfo.environment["KASSA_ADMIN_TOKEN"])
    }

    public var storage: Storage? { storageBox.withLock { $0 } }

    /// Recovers the data directory; the routes that need it answer 503 until then.
    public func recover() throws {
        let logger = self.logger
        do {
            let storage = try Storage.open(directory: dataDirectory, options: configuration.storageOptions, pricing: pricing,
                                           warn: { logger.warning("\($0)") }, observer: metrics)
            try seedRules(storage)
            metrics.recoverySeconds.record(Double(storage.recovery.duration.nanoseconds) / 1e9)
            storageBox.withLock { $0 = storage }
            logger.info("ready: \(storage.recovery)")
            startAnalytics(storage)
        } catch {
            failureBox.withLock { $0 = "\(error)" }
            throw error
        }
    }

    /// Stops writing: answers what is queued, syncs, snapshots.
    public func stop() {
        analytics?.stop()
        storage?.stop()
    }

    /// The router with every route.
    public func router() -> Router<KassaContext> {
        let router = Router(context: KassaContext.self)
        router.get("/healthz") { _, _ in json(.ok) { $0.object { $0.field("status", "ok") } } }
        router.get("/metrics") { [self] _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: metrics.render(storage: storage))))
        }
        router.get("/readyz") { [self] _, _ in
            if let failure = failureBox.withLock({ $0 }) { return APIError(.serviceUnavailable, "recovery_failed", failure).response }
            guard let storage else { return APIError(.serviceUnavailable, "recovering", "recovery is still running", retryAfter: 1).response }
            return json(.ok) { w in
                w.object { w in
                    w.field("journal_seq", storage.recovery.lastSeq)
                    w.field("status", "ready")
                }
            }
        }
        route(router, .post, "/v1/sales", roles: TillFastPath.Route.sale.roles) { request, context, storage in
            let command = try self.saleCommand(try await self.bodyArray(request))
            return try self.saleAnswer(await storage.committer.submit(command)).response
        }
        route(router, .get, "/v1/sales/{id}", roles: [.till, .staff]) { _, context, storage in
            let id = context.parameters.get("id") ?? ""
            guard let record = storage.committer.read({ $0.receipts.sale(id) }) else {
                throw APIError(.notFound, "unknown_sale", "no sale with id '\(id)' is held (receipts are kept for ledger.receipt_window_days)")
            }
            return json(.ok) { Wire.sale(record, into: &$0) }
        }
        route(router, .post, "/v1/returns", roles: [.till]) { request, _, storage in
            let request = try Wire.saleReturn(try await self.body(request), limits: self.wireLimits)
            return try await self.commit(.saleReturn(request), storage: storage) { answer, w throws(APIError) in
                guard case .saleReturn(let record) = answer else { throw .unexpectedAnswer }
                Wire.saleReturn(record, into: &w)
            }
        }
        route(router, .post, "/v1/voids", roles: [.till]) { request, _, storage in
            let request = try Wire.void(try await self.body(request))
            return try await self.commit(.void(request), storage: storage) { answer, w throws(APIError) in
                guard case .void(let record) = answer else { throw .unexpectedAnswer }
                Wire.void(record, into: &w)
            }
        }
        route(router, .post, "/v1/customers", roles: [.till, .staff]) { request, _, storage in
            let customer = try Wire.customer(try await self.body(request), now: Storage.systemClock())
            return try await self.commit(.enrol(customer), storage: storage) { answer, w throws(APIError) in
                guard case .customer(let account) = answer else { throw .unexpectedAnswer }
                let today = Storage.systemClock().localDay
                let offers = storage.committer.read { self.offers(account, ledger: $0, today: today) }
                Wire.customerCard(account, today: today, offers: offers, into: &w)
            }
        }
        route(router, .get, "/v1/customers/{card}", roles: [.till, .staff]) { _, context, storage in
            let text = context.parameters.get("card") ?? ""
            if context.principal?.role == .till { return try self.customerSummaryAnswer(text, storage: storage).response }
            let found = try self.customerOffers(text, storage: storage)
            try await self.audit(context, "read_customer", found.card.description, storage: storage)
            return json(.ok) { self.customerCard(found, into: &$0) }
        }
        route(router, .get, "/v1/customers/{card}/history", roles: [.staff]) { request, context, storage in
            let text = context.parameters.get("card") ?? ""
            guard let card = CardNumber(text) else { throw APIError(.notFound, "unknown_customer", "'\(text)' is not a card number") }
            guard storage.committer.read({ $0.customers.account(card) }) != nil else {
                throw APIError(.notFound, "unknown_customer", "card \(card) is not enrolled")
            }
            let limit = try Self.limit(request, default: 50, max: 500)
            let before = try Self.position(request, "before", "before must be a sale's seq")
            try await self.audit(context, "read_history", card.description, storage: storage)
            let (sales, historySeq) = try storage.projection.history(card: card, beforeSeq: before, limit: limit)
            return json(.ok) { w in
                w.object { w in
                    w.field("card", card.description)
                    w.field("history_seq", historySeq)
                    if sales.count == limit, let last = sales.last { w.field("next_before", last.seq) }
                    w.array("sales", sales) { w, sale in Wire.historySale(sale, into: &w) }
                }
            }
        }
        // The catalog in pages, for lanes to cache (they sell from it while the server is away).
        // `after` is the position the previous page ended at; products keep their position when
        // updated and new ones are added at the end, so paging never skips or repeats one.
        route(router, .get, "/v1/products", roles: [.till, .staff]) { request, _, storage in
            let limit = try Self.limit(request, default: 1_000, max: 10_000)
            var after = 0
            if let text = request.uri.queryParameters.get("after") {
                guard let parsed = Int(text), parsed >= 0 else { throw APIError.invalid("after", "after must be the next_after of the previous page (0 or more)") }
                after = parsed
            }
            let (page, total) = storage.committer.read { ledger in
                let all = ledger.catalog.all
                let start = min(after, all.count)
                return (Array(all[start..<min(all.count, start + limit)]), all.count)
            }
            return json(.ok) { w in
                w.object { w in
                    w.field("count", total)
                    if after + page.count < total { w.field("next_after", after + page.count) }
                    w.array("products", page) { w, product in Wire.product(product, into: &w) }
                }
            }
        }
        route(router, .put, "/v1/products", roles: [.admin]) { request, _, storage in
            let products = try Wire.products(try await self.body(request))
            return try await self.commit(.upsertProducts(products), storage: storage, created: .ok) { answer, w throws(APIError) in
                guard case .products(let count) = answer else { throw .unexpectedAnswer }
                w.object { $0.field("upserted", count) }
            }
        }
        route(router, .get, "/v1/shifts/{terminal}", roles: [.till, .staff]) { _, context, storage in
            let terminal = context.parameters.get("terminal") ?? ""
            guard let totals = storage.committer.read({ $0.shifts[terminal]?.open }) else {
                throw APIError(.notFound, "unknown_shift", "terminal '\(terminal)' has no open shift")
            }
            return json(.ok) { Wire.shift(totals, into: &$0) }
        }
        route(router, .post, "/v1/shifts/{terminal}/open", roles: [.till]) { _, context, storage in
            let terminal = context.parameters.get("terminal") ?? ""
            guard Identifier.isValid(terminal) else { throw APIError.invalid("terminal", "not a terminal code") }
            return try await self.commit(.openShift(terminal: terminal), storage: storage) { answer, w throws(APIError) in
                guard case .shift(let totals) = answer else { throw .unexpectedAnswer }
                Wire.shift(totals, into: &w)
            }
        }
        route(router, .post, "/v1/shifts/{terminal}/close", roles: [.till]) { _, context, storage in
            let terminal = context.parameters.get("terminal") ?? ""
            guard Identifier.isValid(terminal) else { throw APIError.invalid("terminal", "not a terminal code") }
            return try await self.commit(.closeShift(terminal: terminal), storage: storage, created: .ok) { answer, w throws(APIError) in
                guard case .shift(let totals) = answer else { throw .unexpectedAnswer }
                Wire.shift(totals, into: &w)
            }
        }
        route(router, .get, "/v1/audit", roles: [.admin]) { request, _, storage in
            let limit = try Self.limit(request, default: 100, max: 1000)
            let before = try Self.position(request, "before", "before must be a journal position")
            let subject: String? = request.uri.queryParameters.get("subject").map { String($0) }
            let lines = try storage.projection.audit(subject: subject, beforeSeq: before, limit: limit)
            return json(.ok) { w in
                w.object { w in
                    w.array("entries", lines) { w, line in
                        w.object { w in
                            w.field("action", line.action)
                            w.field("actor", line.actor)
                            w.field("at", line.at)
                            w.field("role", line.role)
                            w.field("seq", line.seq)
                            w.field("subject", line.subject)
                        }
                    }
                }
            }
        }
        route(router, .get, "/v1/stats", roles: [.staff]) { _, _, storage in
            let stats = storage.committer.read { ($0.stats, $0.lastSeq) }
            return json(.ok) { w in
                w.object { w in
                    w.field("customers", stats.0.customers)
                    w.field("discounts", stats.0.discounts)
                    // Of the totals, what came from `kassa import sales` (history, not till sales).
                    w.object("imported") { w in
                        w.field("customers", stats.0.importedCustomers)
                        w.field("lines", stats.0.importedLines)
                        w.field("receipts", stats.0.importedReceipts)
                        w.field("revenue", stats.0.importedRevenue)
                    }
                    w.field("journal_seq", stats.1)
                    w.field("lines", stats.0.lines)
                    w.field("points_earned", stats.0.pointsEarned)
                    w.field("points_expired", stats.0.pointsExpired)
                    w.field("points_spent", stats.0.pointsSpent)
                    w.field("receipts", stats.0.receipts)
                    w.field("returns", stats.0.returns)
                    w.field("revenue", stats.0.revenue)
                    w.field("voids", stats.0.voids)
                }
            }
        }
        route(router, .post, "/v1/tokens", roles: [.admin]) { request, context, storage in
            let body = try await self.body(request)
            try body.only(["role", "name"])
            let roleName = try body.requiredString("role", max: 16)
            guard let role = Role(rawValue: roleName) else { throw APIError.invalid("role", "role must be till, staff or admin") }
            let name = try body.requiredString("name", max: 64)
            let token: String
            do {
                token = try self.tokens.issue(role: role, name: name)
            } catch {
                throw APIError(.serviceUnavailable, "storage_failed", "the token could not be saved: \(error)", retryAfter: 5)
            }
            self.logger.notice("token issued", metadata: ["by": "\(context.principal?.name ?? "?")", "role": "\(role.rawValue)", "name": "\(name)"])
            try await self.audit(context, "issue_token", "\(role.rawValue):\(name)", storage: storage)
            return json(.created) { w in
                w.object { w in
                    w.field("name", name)
                    w.field("role", role.rawValue)
                    w.field("token", token)
                }
            }
        }
        loyaltyRoutes(router)
        importRoutes(router)
        analyticsRoutes(router)
        exportRoutes(router)
        route(router, .get, "/v1/customers", roles: [.staff]) { request, context, storage in
            let phone = request.uri.queryParameters.get("phone")
            let text = request.uri.queryParameters.get("q")
            let limit = try Self.limit(request, default: 20, max: 200)
            let cards: [String]
            if let phone {
                guard Directory.digits(phone).count >= 5, phone.count <= 32 else {
                    throw APIError.invalid("phone", "phone must hold at least 5 digits")
                }
                cards = try storage.projection.customers(phone: phone, limit: limit)
            } else if let text {
                guard (2...64).contains(text.count) else { throw APIError.invalid("q", "q must be 2 to 64 characters") }
                cards = try storage.projection.customers(matching: text, limit: limit)
            } else {
                throw APIError.invalid("q", "search by ?phone= or ?q= (a name, card or the last digits of a phone)")
            }
            try await self.audit(context, "search_customers", phone.map { "phone=\($0)" } ?? "q=\(text ?? "")", storage: storage)
            let today = Storage.systemClock().localDay
            let found: [(CustomerAccount, CustomerOffers?)] = storage.committer.read { ledger in
                cards.compactMap { CardNumber($0).flatMap { ledger.customers.account($0) }.map {
                    ($0, self.offers($0, ledger: ledger, today: today))
                } }
            }
            return json(.ok) { w in
                w.object { w in
                    w.array("customers", found) { w, customer in Wire.customerCard(customer.0, today: today, offers: customer.1, into: &w) }
                }
            }
        }
        route(router, .post, "/v1/sales/batch", roles: [.till]) { request, _, storage in
            let body = try await self.body(request)
            try body.only(["sales"])
            let items = try body.array("sales", max: 1000)
            guard !items.isEmpty else { throw APIError.invalid("sales", "send at least one sale") }
            // Each receipt is decoded on its own: one bad receipt gets its own error and the
            // others go through.
            var decoded: [Result<Receipt, APIError>] = []
            for item in items {
                do throws(APIError) {
                    decoded.append(.success(try Wire.sale(JSONObject(members: item.members, path: ""), limits: self.wireLimits)))
                } catch {
                    decoded.append(.failure(error))
                }
            }
            // Submitted together and in order, so they share group commits and a repeated id
            // registers the first time it appears.
            var positions: [Int] = []
            var receipts: [LedgerCommand] = []
            for (index, entry) in decoded.enumerated() {
                guard case .success(let receipt) = entry else { continue }
                positions.append(index)
                receipts.append(.sale(receipt))
            }
            var outcomes: [Int: CommitOutcome] = [:]
            for (index, outcome) in zip(positions, await storage.committer.submit(receipts)) { outcomes[index] = outcome }
            return json(.ok) { w in
                w.object { w in
                    w.array("results", decoded.enumerated()) { w, numbered in
                        let (index, entry) = numbered
                        let id = items[index]["id"]?.text
                        switch (entry, outcomes[index]) {
                        case (.failure(let error), _):
                            Self.itemError(error, id: id, into: &w)
                        case (.success, .done(.sale(let record), let isNew)?):
                            w.object { w in
                                w.field("id", record.id)
                                w.key("sale")
                                Wire.sale(record, into: &w)
                                w.field("status", isNew ? 201 : 200)
                            }
                        case (.success, .rejected(let error)?):
                            Self.itemError(APIError(error), id: id, into: &w)
                        case (.success, .unavailable(let why)?):
                            Self.itemError(APIError(why), id: id, into: &w)
                        default:
                            Self.itemError(APIError(.internalServerError, "internal_error", "no answer for this receipt"), id: id, into: &w)
                        }
                    }
                }
            }
        }
        return router
    }

    /// The `limit` query parameter: 1 to `max`, `default` when absent.
    static func limit(_ request: Request, default value: Int, max: Int) throws(APIError) -> Int {
        guard let text = request.uri.queryParameters.get("limit") else { return value }
        guard let parsed = Int(text), (1...max).contains(parsed) else { throw APIError.invalid("limit", "limit must be 1 to \(max)") }
        return parsed
    }

    /// A journal position in the query (`before`), above zero; nil when absent.
    static func position(_ request: Request, _ name: String, _ message: String) throws(APIError) -> UInt64? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let parsed = UInt64(text), parsed > 0 else { throw APIError.invalid(name, message) }
        return parsed
    }

    /// One receipt's refusal in a batch: `{"error": {...}, "id": ..., "status": 422}`.
    static func itemError(_ error: APIError, id: String?, into w: inout JSONWriter) {
        w.object { w in
            w.key("error")
            error.detail(into: &w)
            if let id { w.field("id", id) }
            w.field("status", Int(error.status.code))
        }
    }

    /// Journals an audit line and waits until it is durable; when it cannot be written the read
    /// is refused, so nothing is read without a trace.
    func audit(_ context: KassaContext, _ action: String, _ subject: String, storage: Storage) async throws {
        let record = AuditRecord(actor: context.principal?.name ?? "?", role: context.principal?.role.rawValue ?? "?",
                                 action: action, subject: subject)
        switch await storage.committer.submit(.audit(record)) {
        case .done: return
        case .rejected(let error): throw APIError(error)
        case .unavailable(let why): throw APIError(why)
        }
    }

    var wireLimits: Wire.Limits { Wire.Limits(linesMax: configuration.limits.linesPerReceiptMax) }

    typealias Handler = @Sendable (Request, KassaContext, Storage) async throws -> Response

    /// Registers a route behind auth, readiness and the error format.
    func route(_ router: Router<KassaContext>, _ method: HTTPRequest.Method, _ path: RouterPath, roles: Set<Role>,
                       needsStorage: Bool = true, _ handler: @escaping Handler) {
        let routeName = "\(path)"
        let routeMetrics = self.routeMetrics(routeName, method: method.rawValue)
        router.on(path, method: method) { [self] request, context -> Response in
            let started = ContinuousClock.now
            let response = await answer(request, context, routeName: routeName, roles: roles, needsStorage: needsStorage, handler)
            routeMetrics.record(status: Int(response.status.code), elapsed: ContinuousClock.now - started)
            return response
        }
    }

    private func answer(_ request: Request, _ context: KassaContext, routeName: String, roles: Set<Role>, needsStorage: Bool,
                        _ handler: Handler) async -> Response {
            var context = context
            do {
                context.principal = try authorize(request.headers[.authorization], roles: roles)
                let storage = self.storage
                if needsStorage && storage == nil {
                    throw APIError.recovering
                }
                // A placeholder is never used by handlers with needsStorage false.
                return try await handler(request, context, storage ?? unavailableStorage())
            } catch let error as APIError {
                return error.response
            } catch {
                logger.error("request failed", metadata: ["route": "\(routeName)", "error": "\(error)"])
                return APIError(.internalServerError, "internal_error", "the request failed inside the service; it is logged").response
            }
    }

    /// The request metrics of `path` and `method`, made on first use.
    func routeMetrics(_ path: String, method: String) -> RouteMetrics {
        routeMetricsBox.withLock { known in
            if let metrics = known[method + " " + path] { return metrics }
            let made = metrics.route(path, method: method)
            known[method + " " + path] = made
            return made
        }
    }

    /// The caller of a request with this `Authorization` header, allowed one of `roles` (or
    /// admin) and within its rate.
    func authorize(_ header: String?, roles: Set<Role>, memo: ConnectionMemo? = nil) throws(APIError) -> Principal {
        guard let header, header.hasPrefix("Bearer "), let principal = holder(ofBearer: header, memo: memo) else {
            throw APIError(.unauthorized, "unauthorized", "send Authorization: Bearer <token>; the token was missing or is not valid")
        }
        guard principal.role == .admin || roles.contains(principal.role) else {
            throw APIError(.forbidden, "forbidden", "the \(principal.role.rawValue) role may not do this; it needs \(roles.map(\.rawValue).sorted().joined(separator: " or "))")
        }
        guard limiter.allow(principal.name) else {
            throw APIError(.tooManyRequests, "rate_limited", "more than http.requests_per_second_max (\(configuration.requestsPerSecondMax)) requests a second for token '\(principal.name)'; slow down", retryAfter: 1)
        }
        return principal
    }

    /// The holder of the token in an `Authorization: Bearer` field. With a connection's `memo`,
    /// the field the connection sent last is recognised without hashing the token again, as
    /// long as the token store has not changed since (its revision): a till sends the same
    /// field with every request, and hashing it was about a hundredth of the server's CPU under
    /// a hypermarket's load. The field is compared in constant time, as the store compares
    /// digests.
    func holder(ofBearer header: String, memo: ConnectionMemo?) -> Principal? {
        let revision = tokens.revision
        if let known = memo?.authorization, known.revision == revision, ConstantTime.equal(known.field, header) {
            return known.principal
        }
        guard let principal = tokens.principal(for: String(header.dropFirst(7))) else { return nil }
        memo?.authorization = (header, principal, revision)
        return principal
    }

    /// The sale a `POST /v1/sales` body asks for; `earlier` is the quote just answered on the
    /// connection, whose basket the body may repeat (`SaleBodyReader.receipt(_:extending:)`).
    func saleCommand(_ body: [UInt8], extending earlier: SaleBodyReader.Read? = nil) throws(APIError) -> LedgerCommand {
        if let earlier, let receipt = SaleBodyReader.receipt(body, extending: earlier) { return .sale(receipt) }
        if let receipt = SaleBodyReader.receipt(body, limits: wireLimits, defaultID: nil) { return .sale(receipt) }
        return .sale(try Wire.sale(try JSONObject.parse(body), limits: wireLimits))
    }

    /// The answer to a sale once the writer settled it.
    func saleAnswer(_ outcome: CommitOutcome) throws(APIError) -> Answer {
        try settle(outcome) { answer, w throws(APIError) in
            guard case .sale(let record) = answer else { throw .unexpectedAnswer }
            Wire.sale(record, into: &w)
        }
    }

    /// 201 for a new command, 200 for the retry of one, or the refusal.
    func settle(_ outcome: CommitOutcome, created: HTTPResponse.Status = .created,
                _ render: (LedgerAnswer, inout JSONWriter) throws(APIError) -> Void) throws(APIError) -> Answer {
        switch outcome {
        case .done(let answer, let isNew):
            var writer = JSONWriter()
            try render(answer, &writer)
            return Answer(isNew ? created : .ok, writer)
        case .rejected(let error):
            throw APIError(error)
        case .unavailable(let why):
            throw APIError(why)
        }
    }

    private func unavailableStorage() -> Storage {
        // Only routes that never touch storage reach here without it.
        guard let storage else { preconditionFailure("route without storage used storage") }
        return storage
    }

    /// The request body as a JSON object, within the configured size.
    func body(_ request: Request) async throws -> JSONObject {
        try JSONObject.parse(try await bodyArray(request))
    }

    /// The request body's bytes as an array, within the configured size.
    func bodyArray(_ request: Request) async throws -> [UInt8] {
        [UInt8](try await bodyBytes(request).readableBytesView)
    }

    /// The answer to a body over `http.body_bytes_max`.
    var bodyTooLarge: APIError {
        APIError(.contentTooLarge, "body_too_large", "the request body is larger than http.body_bytes_max (\(configuration.bodyBytesMax) bytes)")
    }

    /// The request body's bytes; 413 beyond `http.body_bytes_max`.
    func bodyBytes(_ request: Request) async throws -> ByteBuffer {
        var request = request
        do {
            return try await request.collectBody(upTo: configuration.bodyBytesMax)
        } catch {
            throw bodyTooLarge
        }
    }

    /// Submits `command` and answers 201 (new), 200 (retry of the same), or the refusal.
    func commit(_ command: LedgerCommand, storage: Storage, created: HTTPResponse.Status = .created,
                _ render: (LedgerAnswer, inout JSONWriter) throws(APIError) -> Void) async throws -> Response {
        try settle(await storage.committer.submit(command), created: created, render).response
    }
}

/// The request context: Hummingbird's core plus the authenticated caller.
public struct KassaContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by the route wrapper once the token is checked.
    public var principal: Principal?

    public init(source: Source) {
        coreContext = .init(source: source)
        principal = nil
    }
}
