/// The systems `--compare` runs the same workload against, each started by the tool itself.
enum Baselines {
    static func start(_ name: String) async throws -> any LoadTarget {
        switch name {
        case "postgres": return try await PostgresTarget.start()
        case "sqlite": return try await SQLiteTarget.start()
        default: throw LoadTestError("there is no baseline called '\(name)'; there are \(LoadTestOptions.baselines.joined(separator: ", "))")
        }
    }
}
