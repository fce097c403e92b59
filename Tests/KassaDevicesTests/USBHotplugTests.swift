import Foundation
import KassaTestSupport
import Testing

/// USB hot-plug end to end without hardware: scripts/usb/hotplug-testbed.py (under
/// `umockdev-wrapper`) adds an emulated receipt printer to a umockdev testbed and removes it
/// again, with the uevents the kernel would send, while the real `kassa devices --watch` runs.
/// libusb hears of it through its udev monitor (umockdev emulates the netlink socket), our
/// callback queues the event, and the monitor's thread prints it. The same script checks the
/// polling fallback used where hot-plug is not supported. Needs python3-gi and
/// gir1.2-umockdev-1.0 (Debian packages `make deps` installs); without them the tests fail.
@Suite struct USBHotplugTests {
    static let script = USBDiscoveryTests.repository.appendingPathComponent("scripts/usb/hotplug-testbed.py").path

    @Test func aPrinterPluggedInAndOutIsReportedThroughHotplug() throws {
        try #require(umockdevTestbedAvailable, "python3-gi and gir1.2-umockdev-1.0 are not installed: run make deps")
        let run = try Self.watch([])
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.errors.contains("(hotplug)"))
        try Self.expectArrivedThenLeft(run.output)
    }

    @Test func thePollingFallbackSeesTheSameDevice() throws {
        try #require(umockdevTestbedAvailable, "python3-gi and gir1.2-umockdev-1.0 are not installed: run make deps")
        let run = try Self.watch(["--poll"])
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.errors.contains("(polling)"))
        try Self.expectArrivedThenLeft(run.output)
    }

    static func expectArrivedThenLeft(_ output: String) throws {
        let events = try output.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        #expect(events.map { $0["event"] as? String } == ["arrived", "left"])
        for event in events {
            #expect(event["vid_pid"] as? String == "04b8:0e15")
            #expect(event["kind"] as? String == "receipt-printer")
            #expect(event["product"] as? String == "TM-T20II")
        }
    }

    static func watch(_ options: [String]) throws -> UmockdevRun {
        try UmockdevRun.run("/usr/bin/umockdev-wrapper",
                            ["/usr/bin/python3", script, builtExecutable("kassa"), USBDiscoveryTests.tillDevices] + options)
    }
}

/// Whether umockdev's testbed API can be used from Python here.
let umockdevTestbedAvailable = FileManager.default.fileExists(atPath: "/usr/lib/x86_64-linux-gnu/girepository-1.0/UMockdev-1.0.typelib")
    && FileManager.default.fileExists(atPath: "/usr/lib/python3/dist-packages/gi")
