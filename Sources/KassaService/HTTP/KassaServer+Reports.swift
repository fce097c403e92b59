import Hummingbird
import KassaAnalytics
import KassaCore
import KassaJournal
import KassaLoyalty

extension KassaServer {
    /// The report `name` over the analytics copy of the history, brought up to date first.
    func report(_ name: String, query: (query: ReportQuery, storeCode: String?), request: Request, storage: Storage,
                analytics: AnalyticsRuntime) throws -> ReportTable {
        let parameters = request.uri.queryParameters
        if name == "clv" { return try clvReport(asOf: parameters.get("as_of") == nil ? nil : query.query.asOf, analytics: analytics) }
        guard ["kpi", "funnel", "sources", "abc-xyz", "cohorts", "birthdays"].contains(name) else {
            throw APIError(.notFound, "unknown_report", "no report '\(name)'; reports are kpi, funnel, sources, abc-xyz, cohorts, clv, birthdays")
        }
        try analytics.store.refresh()
        let facts = analytics.store.facts()
        let options = configuration.analytics
        switch name {
        case "kpi":
            let text = parameters.get("granularity") ?? "day"
            guard let granularity = KPIGranularity(rawValue: String(text)) else {
                throw APIError.invalid("granularity", "granularity must be day or week")
            }
            return KPIReport.compute(facts, query.query, granularity: granularity)
        case "funnel":
            let (visits, days) = regularCustomerRule(storage)
            return FunnelReport.compute(facts, query.query, regularVisits: visits, regularDays: days)
        case "sources":
            return SourcesReport.compute(facts, query.query)
        case "cohorts":
            return CohortReport.compute(facts, query.query)
        case "birthdays":
            let text = parameters.get("days") ?? "14"
            guard let days = Int32(text), (1...366).contains(days) else { throw APIError.invalid("days", "days must be 1 to 366") }
            return BirthdayReport.compute(facts, query.query, days: days)
        default:
            let text = parameters.get("of") ?? "products"
            guard let subject = ABCXYZSubject(rawValue: String(text)) else {
                throw APIError.invalid("of", "of must be products or customers")
            }
            if parameters.get("summary") == "true" { return ABCXYZReport.summary(facts, query.query, subject: subject, options: options) }
            return ABCXYZReport.compute(facts, query.query, subject: subject, options: options)
        }
    }

    /// The regular-customer rule in force as (visits, days); without one, 4 visits in 30 days,
    /// so the funnel's last stage still means something.
    func regularCustomerRule(_ storage: Storage) -> (Int32, Int32) {
        guard let record = storage.committer.read({ $0.rules }) else { return (4, 30) }
        for rule in pricing.program(for: record).ruleSet.rules {
            if case .regularCustomer(let visits, let days, _) = rule.kind { return (visits, days) }
        }
        return (4, 30)
    }

    /// The lifetime model of the newest segmentation, or of one as of `asOf` computed now: the
    /// fitted parameters, one row each, with the customers they were fitted on.
    func clvReport(asOf: Int32?, analytics: AnalyticsRuntime) throws -> ReportTable {
        var latest = try latestSegments()
        if let asOf, asOf != latest.snapshot.asOf.daysSinceEpoch {
            latest = try analytics.segments.recompute(asOf: LocalDate(daysSinceEpoch: asOf))
        }
        var table = ReportTable(columns: ["model", "parameter", "value"])
        for (model, parameter, value) in latest.values.parameters {
            table.append([.text(model), .text(parameter), .number(value)])
        }
        return table
    }
}
