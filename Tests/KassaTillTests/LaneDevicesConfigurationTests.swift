import Foundation
import KassaDevices
import Testing
@testable import KassaTill

/// config/devices.yaml: the shipped file reads, and a wrong key or value is refused by name.
@Suite struct LaneDevicesConfigurationTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theShippedDevicesFileReadsWithNoDevicesAndTheRussianScales() throws {
        let configuration = try LaneDevicesConfiguration.load(path: Self.repository.appendingPathComponent("config/devices.yaml").path)
        #expect(configuration.storeName == "Гипермаркет «Касса»")
        #expect(configuration.scannerAddress.isEmpty && configuration.printerAddress.isEmpty && configuration.displayAddress.isEmpty)
        #expect(configuration.printerProfile.codePage == .cp866 && configuration.printerProfile.codePageNumber == 17)
        #expect(configuration.printerSerial.baudRate == 38_400)
        #expect(configuration.weighedGoods.first?.prefixes.count == 10)
    }

    @Test func aMisspeltKeyOrAWrongValueIsRefusedByName() {
        let cases: [(String, String)] = [
            ("printr:\n  cut: full\n", "unknown key \"printr\""),
            ("printer:\n  qr_code: maybe\n", "printer.qr_code must be true or false"),
            ("printer:\n  paper_mm: 76\n", "76 mm"),
            ("printer:\n  code_page: koi8\n", "koi8"),
            ("scanner:\n  suffix: tab\n", "scanner.suffix"),
            ("scanner:\n  serial: fast\n", "fast"),
            ("weighed_goods:\n  - {prefixes: [\"2\"], pattern: \"short\"}\n", "weighed_goods[0]"),
            ("- just a list\n", ""),
        ]
        for (text, named) in cases {
            #expect(throws: DeviceError.self, "\(text)") { try LaneDevicesConfiguration.parse(text) }
            do {
                _ = try LaneDevicesConfiguration.parse(text)
            } catch {
                #expect(named.isEmpty || "\(error)".contains(named), "\(error) should name \(named)")
            }
        }
    }
}
