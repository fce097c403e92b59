import ArgumentParser
import Foundation
import KassaDevices

/// `kassa devices`: the serial ports and USB devices this machine has, each with its VID:PID and
/// the kind of device it probably is, to help write `config/devices.yaml`.
struct Devices: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List serial ports and USB devices, with VID:PID and the kind guessed.",
        discussion: """
            Serial ports come from libserialport, USB devices from libusb. The kind is a guess: \
            receipt-printer (USB printer class 7, or Epson, Star, Bixolon, Citizen), scanner \
            (Honeywell, Zebra/Symbol, Datalogic or Newland as HID or serial), serial-adapter (USB \
            CDC, FTDI, Prolific, CH340, CP210x), else unknown. Finding nothing is not an error. \
            --json writes one JSON object per line with source "serial" or "usb". \
            --watch N then reports USB devices arriving and leaving for N seconds (hot-plug where \
            the system supports it, else a comparison of device lists every second), each as a \
            line (or a JSON object with "event": "arrived" or "left").
            """
    )

    @Flag(name: .long, help: "Write JSON Lines instead of a table.")
    var json = false

    @Option(name: .long, help: "Then report USB devices arriving and leaving for this many seconds.")
    var watch: Int?

    @Flag(name: .long, help: "With --watch, compare device lists every second instead of using hot-plug.")
    var poll = false

    func run() throws {
        var rows: [DeviceRow] = []
        var notes: [String] = []
        do {
            let ports = try SerialPortDiscovery.ports()
            if ports.isEmpty { notes.append("no serial ports found") }
            rows += ports.map(DeviceRow.init(serial:))
        } catch {
            notes.append("serial ports could not be listed: \(error.message)")
        }
        do {
            let devices = try USBContext().devices()
            if devices.isEmpty { notes.append("no USB devices found") }
            rows += devices.map(DeviceRow.init(usb:))
        } catch {
            notes.append("USB devices could not be listed: \(error.message)")
        }
        if json {
            for row in rows { print(String(decoding: try JSONEncoder.sorted.encode(row), as: UTF8.self)) }
            notes.forEach { printError($0) }
        } else {
            print(DeviceRow.table(rows), terminator: "")
            notes.forEach { print($0) }
        }
        if let watch { try watchUSB(seconds: watch) }
    }

    /// Prints USB arrivals and departures as they happen, for `seconds`.
    private func watchUSB(seconds: Int) throws {
        guard seconds > 0 else { throw ValidationError("--watch needs a number of seconds above 0") }
        let json = json
        let context: USBContext
        let monitor: USBHotplugMonitor
        do {
            context = try USBContext()
            monitor = try USBHotplugMonitor(context: context, forcePolling: poll) { event in
                var row: DeviceRow
                let name: String
                switch event {
                case .arrived(let device): (row, name) = (DeviceRow(usb: device), "arrived")
                case .left(let device): (row, name) = (DeviceRow(usb: device), "left")
                }
                row.event = name
                if json, let line = try? JSONEncoder.sorted.encode(row) {
                    print(String(decoding: line, as: UTF8.self))
                } else {
                    print("\(name): \(row.kind) \(row.location) \(row.vidPid ?? "-") \(row.label)")
                }
                fflush(nil)
            }
        } catch {
            printError("USB devices cannot be watched: \(error.message)")
            throw ExitCode(1)
        }
        printError("watching USB devices for \(seconds) s (\(monitor.mode.rawValue))")
        sleep(UInt32(seconds))
        monitor.stop()
    }
}

extension JSONEncoder {
    /// An encoder with sorted keys and plain slashes, for JSON Lines.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

/// One line of `kassa devices`: a serial port or a USB device.
struct DeviceRow: Encodable {
    var event: String?
    var source: String
    var kind: String
    var path: String?
    var transport: String?
    var bus: UInt8?
    var address: UInt8?
    var ports: String?
    var vidPid: String?
    var deviceClass: UInt8?
    var interfaceClasses: [UInt8]?
    var manufacturer: String?
    var product: String?
    var serialNumber: String?
    var description: String?

    enum CodingKeys: String, CodingKey {
        case event, source, kind, path, transport, bus, address, ports, description, manufacturer, product
        case vidPid = "vid_pid", deviceClass = "device_class", interfaceClasses = "interface_classes", serialNumber = "serial_number"
    }

    init(serial port: SerialPortInfo) {
        source = "serial"
        kind = DeviceKindGuess.serialPort(port).rawValue
        path = port.path
        transport = port.transport.rawValue
        vidPid = port.vidPid
        manufacturer = port.manufacturer
        product = port.product
        serialNumber = port.serialNumber
        description = port.description
    }

    init(usb device: USBDeviceInfo) {
        source = "usb"
        kind = DeviceKindGuess.usb(device).rawValue
        bus = device.bus
        address = device.address
        ports = device.sysfsName
        vidPid = device.vidPid
        deviceClass = device.deviceClass
        interfaceClasses = device.interfaces.map(\.interfaceClass)
        manufacturer = device.manufacturer
        product = device.product
        serialNumber = device.serialNumber
    }

    /// Where the device is, for the table: the port's path or the USB bus and address.
    var location: String {
        if let path { return path }
        return "usb \(bus.map(String.init) ?? "?")/\(address.map(String.init) ?? "?")"
    }

    /// What the device says it is, for the table.
    var label: String {
        var words = [manufacturer, product].compactMap { $0 }
        if words.isEmpty, let description { words.append(description) }
        if let interfaceClasses, !interfaceClasses.isEmpty {
            words.append("(interface classes \(interfaceClasses.map(String.init).joined(separator: ",")))")
        }
        return words.joined(separator: " ")
    }

    /// The rows as an aligned table with a header; empty when there are no rows.
    static func table(_ rows: [DeviceRow]) -> String {
        guard !rows.isEmpty else { return "" }
        let lines = [["KIND", "SOURCE", "WHERE", "VID:PID", "DEVICE"]]
            + rows.map { [$0.kind, $0.source, $0.location, $0.vidPid ?? "-", $0.label] }
        let widths = (0..<4).map { column in lines.map { $0[column].count }.max() ?? 0 }
        return lines.map { line in
            (0..<4).map { line[$0].padding(toLength: widths[$0] + 2, withPad: " ", startingAt: 0) }.joined() + line[4] + "\n"
        }.joined()
    }
}
