import Hummingbird
import KassaAnalytics
import KassaCore
import KassaJournal

extension KassaServer {
    /// The report `name` over the analytics copy of the history, brought up to date first.
    func report(_ name: String, query: (query: ReportQuery, storeCode: String?), request: Request, storage: Storage,
                analytics: AnalyticsRuntime) throws -> ReportTable {
        switch name {
        case "clv":
            return clvReport(try latestSegments())
        default:
            throw APIError(.notFound, "unknown_report", "no report '\(name)'; reports are kpi, funnel, sources, abc-xyz, cohorts, clv, birthdays")
        }
    }

    /// The lifetime model of the newest segmentation: the fitted parameters, one row each.
    func clvReport(_ latest: LatestSegments) -> ReportTable {
        var table = ReportTable(columns: ["model", "parameter", "value"])
        for (model, parameter, value) in latest.values.parameters {
            table.append([.text(model), .text(parameter), .number(value)])
        }
        return table
    }
}
