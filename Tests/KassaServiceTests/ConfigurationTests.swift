import Foundation
import Testing
@testable import KassaService

@Suite("Configuration: file, environment, defaults")
struct ConfigurationTests {
    func file(_ text: String) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-config-\(UUID().uuidString).yaml").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    @Test func theShippedFileLoadsAndEqualsTheDefaults() throws {
        let shipped = ServerProcess.repository.appendingPathComponent("config/kassa.yaml").path
        let loaded = try KassaConfiguration.load(path: shipped, environment: [:])
        var defaults = KassaConfiguration()
        // The file names the rules next to it, which is where the default looks from the
        // repository's root.
        defaults.rulesFile = ServerProcess.repository.appendingPathComponent("config/loyalty.yaml").path
        #expect(loaded == defaults, "config/kassa.yaml must say what the defaults are")
        #expect(try KassaConfiguration.load(path: nil, environment: [:]) == KassaConfiguration())
    }

    @Test func rulesFileIsFoundNextToTheConfigurationFile() throws {
        let path = file("loyalty:\n  rules_file: programme.yaml\n")
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        #expect(try KassaConfiguration.load(path: path, environment: [:]).rulesFile == directory + "/programme.yaml")
        // From the environment a path is taken as given; "" means no rules file.
        let fromEnvironment = try KassaConfiguration.load(path: path, environment: ["KASSA_LOYALTY_RULES_FILE": "other.yaml"])
        #expect(fromEnvironment.rulesFile == "other.yaml")
        #expect(try KassaConfiguration.load(path: path, environment: ["KASSA_LOYALTY_RULES_FILE": ""]).rulesFile == "")
    }

    @Test func fileThenEnvironmentOverride() throws {
        let path = file("""
            http:
              port: 9090
            journal:
              durability: interval
              interval_ms: 7
            ledger:
              receipt_window_days: 30
            """)
        let loaded = try KassaConfiguration.load(path: path, environment: ["KASSA_HTTP_PORT": "9191", "KASSA_LEDGER_RECEIPT_INDEX_MAX": "5000"])
        #expect(loaded.port == 9191)
        #expect(loaded.durability == .interval(milliseconds: 7))
        #expect(loaded.limits.receiptWindowDays == 30)
        #expect(loaded.limits.receiptIndexMax == 5000)
        #expect(loaded.storageOptions.commit.durability == .interval(milliseconds: 7))
    }

    @Test(arguments: [
        ("http:\n  prot: 80\n", "unknown key 'http.prot'"),
        ("htp:\n  port: 80\n", "unknown section 'htp'"),
        ("http:\n  port: eighty\n", "http.port must be a whole number"),
        ("http:\n  port: 70000\n", "http.port must be a whole number from 0 to 65535"),
        ("journal:\n  durability: sometimes\n", "journal.durability must be 'fsync' or 'interval'"),
        ("journal:\n  segment_bytes: 1048576\n  record_bytes_max: 1048576\n", "journal.segment_bytes (1048576) must hold at least two"),
        ("http: [1, 2\n", "is not valid YAML"),
        ("- just\n- a list\n", "the top level must be a mapping"),
    ])
    func badFilesAreRefusedNamingTheKey(text: String, expected: String) {
        let path = file(text)
        do {
            _ = try KassaConfiguration.load(path: path, environment: [:])
            Issue.record("\(text) was accepted")
        } catch {
            #expect("\(error)".contains(expected), "\(error)")
            #expect("\(error)".contains(path) || !expected.hasPrefix("unknown"), "the file is named")
        }
    }

    @Test func aBadEnvironmentValueNamesTheVariable() {
        do {
            _ = try KassaConfiguration.load(path: nil, environment: ["KASSA_JOURNAL_INTERVAL_MS": "-3"])
            Issue.record("accepted")
        } catch {
            #expect("\(error)".contains("KASSA_JOURNAL_INTERVAL_MS"))
        }
    }

    @Test func aMistypedEnvironmentVariableOfASectionIsRefused() throws {
        do {
            _ = try KassaConfiguration.load(path: nil, environment: ["KASSA_HTTP_PROT": "9191"])
            Issue.record("accepted")
        } catch {
            #expect("\(error)".contains("KASSA_HTTP_PROT is not a setting") && "\(error)".contains("KASSA_HTTP_PORT"), "\(error)")
        }
        // Variables outside the sections are other parts' (the admin token) and pass.
        #expect(try KassaConfiguration.load(path: nil, environment: ["KASSA_ADMIN_TOKEN": "x", "KASSA_OTHER": "1"]) == KassaConfiguration())
    }

    @Test func aMissingFileIsAnError() {
        #expect(throws: ConfigurationError.self) { try KassaConfiguration.load(path: "/nonexistent/kassa.yaml", environment: [:]) }
    }
}
