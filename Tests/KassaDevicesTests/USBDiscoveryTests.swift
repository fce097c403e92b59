import Foundation
import KassaTestSupport
import Testing

/// `kassa devices` against USB devices emulated by umockdev (installed by `make deps`): the real
/// binary runs under `umockdev-run`, whose LD_PRELOAD shows it a made-up sysfs and /dev, so
/// libusb enumerates the devices of scripts/usb/till-devices.umockdev and libserialport lists
/// their serial port. This stands in for plugging in real hardware; descriptors, sysfs strings
/// and the kind guessed are all read through the same code as on a till.
@Suite struct USBDiscoveryTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let tillDevices = repository.appendingPathComponent("scripts/usb/till-devices.umockdev").path

    @Test func emulatedTillDevicesAreFoundWithTheirKinds() throws {
        let run = try UmockdevRun.kassa(["devices", "--json"], devices: [Self.tillDevices])
        #expect(run.status == 0)
        let rows = try run.output.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        func row(_ source: String, _ vidPid: String) -> [String: Any]? {
            rows.first { $0["source"] as? String == source && $0["vid_pid"] as? String == vidPid }
        }
        let printer = try #require(row("usb", "04b8:0e15"))
        #expect(printer["kind"] as? String == "receipt-printer")
        #expect(printer["manufacturer"] as? String == "EPSON")
        #expect(printer["product"] as? String == "TM-T20II")
        #expect(printer["interface_classes"] as? [Int] == [7])
        #expect(printer["bus"] as? Int == 1 && printer["address"] as? Int == 2)
        #expect(row("usb", "0c2e:0b61")?["kind"] as? String == "scanner")
        #expect(row("usb", "0403:6001")?["kind"] as? String == "serial-adapter")
        #expect(row("usb", "046d:c31c")?["kind"] as? String == "unknown")
        let port = try #require(row("serial", "0403:6001"))
        #expect(port["path"] as? String == "/dev/ttyUSB0")
        #expect(port["transport"] as? String == "usb")
        #expect(port["kind"] as? String == "serial-adapter")
        #expect(port["product"] as? String == "FT232R USB UART")
    }

    @Test func theTableNamesEachDeviceOnItsOwnLine() throws {
        let run = try UmockdevRun.kassa(["devices"], devices: [Self.tillDevices])
        #expect(run.status == 0)
        let lines = run.output.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("KIND") == true)
        #expect(lines.contains { $0.hasPrefix("receipt-printer") && $0.contains("04b8:0e15") && $0.contains("EPSON TM-T20II") })
        #expect(lines.contains { $0.hasPrefix("scanner") && $0.contains("0c2e:0b61") })
        #expect(lines.contains { $0.hasPrefix("serial-adapter") && $0.contains("/dev/ttyUSB0") })
    }

    @Test func aMachineWithNothingPluggedInIsNotAnError() throws {
        let table = try UmockdevRun.kassa(["devices"], devices: [])
        #expect(table.status == 0)
        #expect(table.output == "no serial ports found\nno USB devices found\n")
        let json = try UmockdevRun.kassa(["devices", "--json"], devices: [])
        #expect(json.status == 0)
        #expect(json.output.isEmpty)
        #expect(json.errors.contains("no USB devices found"))
    }
}

/// One run of the built `kassa` under `umockdev-run` with the given device files.
struct UmockdevRun {
    var status: Int32
    var output: String
    var errors: String

    static func kassa(_ arguments: [String], devices: [String]) throws -> UmockdevRun {
        try run("/usr/bin/umockdev-run", devices.flatMap { ["--device", $0] } + ["--", builtExecutable("kassa")] + arguments)
    }

    /// Runs `executable` to the end and collects what it printed.
    static func run(_ executable: String, _ arguments: [String]) throws -> UmockdevRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        let complained = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return UmockdevRun(status: process.terminationStatus, output: String(decoding: printed, as: UTF8.self),
                           errors: String(decoding: complained, as: UTF8.self))
    }
}
