import Hummingbird
import KassaAnalytics
import KassaCore
import KassaJournal

extension KassaServer {
    /// `GET /v1/exports/segments` and `GET /v1/exports/sales`: the feeds of `kassa export
    /// --url`, streamed as they are read so that a large history never sits in memory whole.
    func exportRoutes(_ router: Router<KassaContext>) {
        route(router, .get, "/v1/exports/segments", roles: [.staff]) { request, _, _ in
            let format = try Self.exportFormat(request)
            guard let analytics = self.analytics else { throw self.analyticsUnavailable }
            var latest = try self.latestSegments()
            if let text = request.uri.queryParameters.get("as_of") {
                guard let asOf = LocalDate(iso: text) else { throw APIError.invalid("as_of", "as_of must be a date YYYY-MM-DD") }
                if asOf != latest.snapshot.asOf { latest = try self.analyticsCall { try analytics.segments.recompute(asOf: asOf) } }
            }
            let rows = latest.snapshot.customers
            return Self.stream(contentType: format == .csv ? "text/csv; charset=utf-8" : "application/x-ndjson") { emit in
                if format == .csv { try await emit(CustomerSegment.csvHeader) }
                var text = ""
                for row in rows {
                    text += format == .csv ? row.csvLine : row.jsonLine
                    if text.utf8.count >= 1 << 18 {
                        try await emit(text)
                        text = ""
                    }
                }
                try await emit(text)
            }
        }
        route(router, .get, "/v1/exports/sales", roles: [.staff]) { request, _, storage in
            let format = try Self.exportFormat(request)
            let after = try Self.position(request, "after_seq", "after_seq must be a journal position") ?? 0
            let export = try self.analyticsCall { try SalesExport(historyPath: storage.projection.path) }
            return Self.stream(contentType: format == .csv ? "text/csv; charset=utf-8" : "application/x-ndjson") { emit in
                try await emit(SalesExport.header(format))
                var position = after
                while let chunk = try export.nextChunk(after: position, format: format) {
                    try await emit(chunk.text)
                    position = chunk.reached
                }
            }
        }
    }

    /// `format=csv` (the default) or `format=jsonl`.
    static func exportFormat(_ request: Request) throws(APIError) -> ExportFormat {
        let text = request.uri.queryParameters.get("format") ?? "csv"
        guard let format = ExportFormat(rawValue: String(text)) else { throw APIError.invalid("format", "format must be csv or jsonl") }
        return format
    }

    /// A 200 answer whose body `produce` writes piece by piece.
    static func stream(contentType: String, _ produce: @escaping @Sendable (_ emit: (String) async throws -> Void) async throws -> Void) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await produce { text in
                if !text.isEmpty { try await writer.write(ByteBuffer(string: text)) }
            }
            try await writer.finish(nil)
        })
    }
}
