import ArgumentParser
import Foundation
import KassaLoyalty

/// `kassa rules ...`: the loyalty rules file.
struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Work with a loyalty rules file.",
        subcommands: [Check.self]
    )

    /// `kassa rules check FILE`: the checks `PUT /v1/rules` makes, without a server.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a loyalty rules file (YAML or JSON) before putting it in force.",
            discussion: """
                Runs the same checks as PUT /v1/rules and the first start of a data dir, and prints \
                the rules it found or what is wrong (the rule, the field and the value). Exit status: \
                0 valid, 1 invalid, 2 unreadable. FILE may be - for standard input.
                """
        )

        @Argument(help: "The rules file, or - for standard input.")
        var file: String

        func run() throws {
            let text: String
            if file == "-" {
                text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            } else {
                guard let data = FileManager.default.contents(atPath: file) else {
                    printError("cannot read \(file)")
                    throw ExitCode(2)
                }
                guard let decoded = String(validating: data, as: UTF8.self) else {
                    printError("\(file) is not UTF-8 text")
                    throw ExitCode(2)
                }
                text = decoded
            }
            let ruleSet: RuleSet
            do {
                ruleSet = try RuleSetParser.parse(text)
            } catch {
                printError("\(file): \(error.field.isEmpty ? "" : "\(error.field): ")\(error.message)")
                throw ExitCode(1)
            }
            let cap = ruleSet.stacking.capBasisPoints
            let capText = cap % 100 == 0 ? "\(cap / 100) %" : "\(Double(cap) / 100) %"
            let policy = ruleSet.stacking.policy == .additive ? "additive, capped at \(capText)" : "best single discount, capped at \(capText)"
            print("\(file): valid, \(ruleSet.rules.count) rules, stacking \(policy)")
            for rule in ruleSet.rules {
                var when = ""
                if rule.validFrom != nil || rule.validTo != nil {
                    when = " from \(rule.validFrom.map(\.description) ?? "the start") to \(rule.validTo.map(\.description) ?? "no end")"
                }
                let stores = rule.stores.isEmpty ? "" : " in \(rule.stores.joined(separator: ", "))"
                print("  \(rule.id) (\(rule.kindName)): \(rule.name)\(when)\(stores)")
            }
            if !ruleSet.exclusions.categories.isEmpty || !ruleSet.exclusions.skus.isEmpty {
                print("  never discounted: \((ruleSet.exclusions.categories + ruleSet.exclusions.skus).joined(separator: ", "))")
            }
        }
    }
}
