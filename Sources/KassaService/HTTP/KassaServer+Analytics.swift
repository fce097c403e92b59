import Foundation
import Hummingbird
import KassaAnalytics
import KassaCore
import KassaJournal
import KassaLoyalty

extension KassaServer {
    /// The analytics parts, once recovery is done.
    var analytics: AnalyticsRuntime? { analyticsBox.withLock { $0 } }

    /// Starts analytics over the recovered storage. A failure here never stops the tills: it
    /// is logged, and the analytics routes answer 503 saying why.
    func startAnalytics(_ storage: Storage) {
        do {
            let runtime = try AnalyticsRuntime(storage: storage, options: configuration.analytics, logger: logger)
            analyticsBox.withLock { $0 = runtime }
            runtime.start()
        } catch {
            logger.error("analytics could not start; sales go on, segments and reports answer 503: \(error)")
            analyticsFailure.withLock { $0 = "\(error)" }
        }
    }

    /// `/v1/segments` and `/v1/reports/…`: staff reads over the analytics copy of the history,
    /// computed on the request's task, never on the writer.
    func analyticsRoutes(_ router: Router<KassaContext>) {
        route(router, .get, "/v1/segments", roles: [.staff]) { _, _, _ in
            let latest = try self.latestSegments()
            return json(.ok) { w in
                w.object { w in
                    w.field("as_of", latest.snapshot.asOf.description)
                    w.field("computed_at", latest.snapshot.computedAt.description)
                    w.field("customers", latest.snapshot.customers.count)
                    w.field("number", latest.snapshot.number)
                    w.array("segments", RFM.segments) { w, name in
                        w.object { w in
                            w.field("count", latest.counts[name] ?? 0)
                            w.field("name", name)
                        }
                    }
                    w.field("through_seq", latest.snapshot.throughSeq)
                }
            }
        }
        route(router, .post, "/v1/segments/refresh", roles: [.staff]) { _, _, _ in
            guard let analytics = self.analytics else { throw self.analyticsUnavailable }
            let latest = try self.analyticsCall { try analytics.segments.recompute() }
            return json(.ok) { w in
                w.object { w in
                    w.field("as_of", latest.snapshot.asOf.description)
                    w.field("customers", latest.snapshot.customers.count)
                    w.field("number", latest.snapshot.number)
                    w.field("through_seq", latest.snapshot.throughSeq)
                }
            }
        }
        route(router, .get, "/v1/segments/{name}", roles: [.staff]) { request, context, _ in
            let name = context.parameters.get("name") ?? ""
            guard RFM.segments.contains(name) else {
                throw APIError(.notFound, "unknown_segment", "no segment '\(name)'; segments are \(RFM.segments.joined(separator: ", "))")
            }
            let limit = try Self.limit(request, default: 100, max: 10_000)
            let after: String? = request.uri.queryParameters.get("after").map { String($0) }
            let latest = try self.latestSegments()
            let members = latest.members(of: name, after: after, limit: limit)
            if try Self.wantsCSV(request) {
                return Self.csv(ReportTable(columns: CustomerSegment.columns, rows: members.map(\.values)).csv())
            }
            return json(.ok) { w in
                w.object { w in
                    w.field("as_of", latest.snapshot.asOf.description)
                    w.array("customers", members) { w, row in Self.write(row.values, columns: CustomerSegment.columns, into: &w) }
                    if members.count == limit, let last = members.last { w.field("next_after", last.card) }
                    w.field("segment", name)
                }
            }
        }
        route(router, .get, "/v1/reports/{report}", roles: [.staff]) { request, context, storage in
            let name = context.parameters.get("report") ?? ""
            guard let analytics = self.analytics else { throw self.analyticsUnavailable }
            let query = try self.reportQuery(request, store: analytics.store)
            let table = try self.analyticsCall { try self.report(name, query: query, request: request, storage: storage, analytics: analytics) }
            if try Self.wantsCSV(request) { return Self.csv(table.csv()) }
            return json(.ok) { w in
                w.object { w in
                    w.field("as_of", LocalDate(daysSinceEpoch: query.query.asOf).description)
                    w.field("from", LocalDate(daysSinceEpoch: query.query.from).description)
                    w.field("report", name)
                    w.array("rows", table.rows) { w, row in Self.write(row, columns: table.columns, into: &w) }
                    if let store = query.storeCode { w.field("store", store) }
                    w.field("to", LocalDate(daysSinceEpoch: query.query.to).description)
                }
            }
        }
    }

    /// Why analytics cannot answer: still recovering, or it failed to start.
    var analyticsUnavailable: APIError {
        guard let failure = analyticsFailure.withLock({ $0 }) else { return .recovering }
        return APIError(.serviceUnavailable, "analytics_unavailable", "analytics did not start: \(failure)", retryAfter: 60)
    }

    /// The newest segments, computing the first ones now when the schedule has not yet.
    func latestSegments() throws -> LatestSegments {
        guard let analytics else { throw analyticsUnavailable }
        if let latest = analytics.segments.latest { return latest }
        return try analyticsCall { try analytics.segments.recompute() }
    }

    /// Runs analytics work, turning a failure to read the history into 503.
    func analyticsCall<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(.serviceUnavailable, "analytics_unavailable", "the purchase history could not be read: \(error)", retryAfter: 5)
        }
    }

    /// A report's filters from the query: `from`, `to`, `as_of` (dates; `to` and `as_of` default
    /// to today, `from` to a year before `to`) and `store`.
    func reportQuery(_ request: Request, store: AnalyticsStore) throws -> (query: ReportQuery, storeCode: String?) {
        let today = Storage.systemClock().localDay
        func day(_ name: String, _ fallback: Int32) throws(APIError) -> Int32 {
            guard let text = request.uri.queryParameters.get(name) else { return fallback }
            guard let date = LocalDate(iso: text) else { throw APIError.invalid(name, "\(name) must be a date YYYY-MM-DD") }
            return date.daysSinceEpoch
        }
        let asOf = try day("as_of", today)
        let to = try day("to", asOf)
        let from = try day("from", to - 364)
        guard from <= to else { throw APIError.invalid("from", "from must not be after to") }
        guard to - from <= 366 * 10 else { throw APIError.invalid("from", "a report covers at most ten years") }
        guard abs(Int(asOf) - Int(to)) <= 366 * 10 else { throw APIError.invalid("as_of", "as_of must be within ten years of to") }
        let storeCode: String? = request.uri.queryParameters.get("store").map { String($0) }
        var storeIndex: Int32?
        if let storeCode {
            // A store with no receipts yet has no index: its reports are empty, not an error.
            storeIndex = store.facts().storeIndex(storeCode) ?? -1
        }
        return (ReportQuery(from: from, to: to, store: storeIndex, asOf: asOf), storeCode)
    }

    /// `format=csv` (or an Accept header preferring text/csv) asks for CSV; JSON otherwise.
    static func wantsCSV(_ request: Request) throws(APIError) -> Bool {
        switch request.uri.queryParameters.get("format") {
        case "csv": return true
        case "json": return false
        case nil: return request.headers[.accept]?.hasPrefix("text/csv") ?? false
        case let other?: throw APIError.invalid("format", "format must be json or csv, not '\(other)'")
        }
    }

    static func csv(_ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// One report row as a JSON object (members sorted by name, as every answer's are).
    static func write(_ row: [ReportValue], columns: [String], into w: inout JSONWriter) {
        let order = columns.indices.sorted { Array(columns[$0].utf8).lexicographicallyPrecedes(Array(columns[$1].utf8)) }
        w.object { w in
            for index in order {
                w.key(columns[index])
                switch row[index] {
                case .text(let text): w.value(text)
                case .null: w.null()
                default:
                    if let number = row[index].numberText { w.number(number) } else { w.null() }
                }
            }
        }
    }
}

extension APIError {
    /// The service is still recovering its data.
    static var recovering: APIError {
        APIError(.serviceUnavailable, "recovering", "the service is still recovering its data; retry shortly", retryAfter: 1)
    }
}

/// A customer's segment as the card shows it.
struct CardSegment {
    var row: CustomerSegment
    var asOf: String
}

extension KassaServer {
    /// The card's segment in the newest segmentation, when there is one.
    func cardSegment(_ card: CardNumber) -> CardSegment? {
        guard let latest = analytics?.segments.latest, let row = latest.segment(of: card.description) else { return nil }
        return CardSegment(row: row, asOf: latest.snapshot.asOf.description)
    }
}
