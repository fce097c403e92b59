/// The systems `--compare` runs the same workload against.
enum Baselines {
    static func start(_ name: String) async throws -> any LoadTarget {
        switch name {
        default: throw LoadTestError("there is no baseline called '\(name)'; there are \(LoadTestOptions.baselines.joined(separator: ", "))")
        }
    }
}
