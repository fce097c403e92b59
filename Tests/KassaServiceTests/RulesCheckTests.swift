import Foundation
import Testing

/// `kassa rules check FILE`: the checks of `PUT /v1/rules` without a server.
@Suite("kassa rules check")
struct RulesCheckTests {
    func check(_ file: String) throws -> (status: Int32, output: String, errors: String) {
        try runKassa(["rules", "check", file])
    }

    @Test func theDefaultProgrammeIsValid() throws {
        let result = try check(ServerProcess.repository.appendingPathComponent("config/loyalty.yaml").path)
        #expect(result.status == 0)
        #expect(result.output.contains("valid,") && result.output.contains("tiers (tiers)"))
    }

    @Test func aBadFileNamesTheRuleAndFieldAndExitsOne() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "rules:\n  - id: dairy\n    kind: percent_off\n    categories: [dairy]\n    percent: 150\n".write(toFile: file, atomically: true, encoding: .utf8)
        let result = try check(file)
        #expect(result.status == 1)
        #expect(result.errors.contains("rules[0].percent") && result.errors.contains("dairy"))
        #expect(try check(file + ".missing").status == 2)
    }
}
