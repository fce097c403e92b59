import ArgumentParser
import Foundation
import KassaDevices
import KassaTill

/// `kassa till`: one lane. Cashier actions come in on standard input (a keyboard-wedge scanner
/// types there too), events go out on standard output.
struct Till: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a lane: scans build a basket, which is quoted, paid, registered and printed.",
        discussion: """
            Reads one action a line: a barcode; qty 3 | qty 0.755; card NUMBER; void; total; \
            pay cash|card|points [AMOUNT]; cancel; close-shift; quit. Writes one event a line \
            (--json: JSON Lines). Every sale is written to the lane's outbox (--data) and fsynced \
            before its receipt is printed; it is sent to the server at once when it answers, and \
            in order when it is back. While the server is away the lane prices with the catalog \
            and rules it cached. Exits 0 on quit, or at the end of input once the basket is settled.
            """
    )

    @Option(name: .long, help: "The service, e.g. http://127.0.0.1:8080.")
    var server: String

    @Option(name: .long, help: "A till token.")
    var token: String

    @Option(name: .long, help: "The lane's own directory: its outbox and catalog cache.")
    var data: String = "./lane"

    @Option(name: .long, help: "Store code.")
    var store: String = "S1"

    @Option(name: .long, help: "Terminal code (receipt ids start with it).")
    var terminal: String = "T01"

    @Option(name: .long, help: "Cashier code.")
    var cashier: String = "C1"

    @Option(name: .long, help: "Seconds between attempts to send queued sales while the server is away.")
    var retrySeconds: Double = 2

    @Option(name: .long, help: "Seconds between fetches of the catalog and rules from the server.")
    var catalogRefreshSeconds: Double = 300

    @Option(name: .long, help: "Seconds the lane waits for the server before selling offline.")
    var timeoutSeconds: Double = 3

    @Flag(name: .long, help: "Write events as JSON Lines.")
    var json = false

    @Option(name: .long, help: "The devices file (store header, scanner, printer, display, weighed goods); default config/devices.yaml when it exists.")
    var devices: String?

    @Option(name: .long, help: "The scanner's address (overrides the devices file): /dev/ttyACM0, usb:VID:PID, file:PATH.")
    var scanner: String?

    @Option(name: .long, help: "The receipt printer's address: tcp:HOST:9100, /dev/ttyS0, usb:VID:PID, file:PATH.")
    var printer: String?

    @Option(name: .long, help: "The customer display's address: /dev/ttyUSB1.")
    var display: String?

    func run() throws {
        guard let url = URL(string: server), url.scheme == "http" || url.scheme == "https" else {
            throw ValidationError("--server must be an http:// or https:// URL, got '\(server)'")
        }
        let output = LaneOutputStream(json: json)
        let attached: AttachedDevices, lane: Lane
        do {
            (attached, lane) = try openLane(url: url, output: output)
        } catch {
            FileHandle.standardError.write(Data("kassa till: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let queue = DispatchQueue(label: "kassa.lane")
        queue.sync { lane.start() }
        if let printer = attached.printer as? EscPosLanePrinter { queue.sync { printer.ruleNames = lane.ruleNames() } }
        let sender = LaneSender(lane: lane, intervalSeconds: retrySeconds, catalogRefreshSeconds: catalogRefreshSeconds)
        sender.start()
        attached.startScanner { code in queue.async { lane.scanned(code) } }
        while let line = readLine(strippingNewline: true) {
            let goOn = queue.sync { lane.handle(line) }
            if !goOn { break }
        }
        sender.stop()
        attached.stopScanner()
        queue.sync {
            if !lane.isSettled { output.write(LaneEvent("warning", "end of input with an open basket: it is dropped")) }
            lane.sendOutbox()
        }
    }

    /// The devices file read, the devices attached and the lane opened on its data directory.
    private func openLane(url: URL, output: LaneOutputStream) throws -> (AttachedDevices, Lane) {
        let configuration: LaneDevicesConfiguration
        if let devices {
            guard FileManager.default.fileExists(atPath: devices) else {
                throw ValidationError("the devices file \(devices) does not exist")
            }
            configuration = try LaneDevicesConfiguration.load(path: devices)
        } else {
            configuration = try LaneDevicesConfiguration.load(path: "config/devices.yaml")
        }
        let attached = try AttachedDevices(configuration: configuration, scanner: scanner, printer: printer, display: display,
                                           report: output.write)
        let client = LaneServerClient(baseURL: url, token: token, timeoutSeconds: timeoutSeconds)
        let lane = try Lane(settings: Lane.Settings(store: store, terminal: terminal, cashier: cashier, dataDirectory: data,
                                                    weighedGoods: configuration.weighedGoods),
                            client: client, printer: attached.printer, emit: { event in
                                output.write(event)
                                attached.show(event)
                            })
        return (attached, lane)
    }
}

/// The devices a lane was given: the printer (and drawer), the scanner and the customer display.
final class AttachedDevices: @unchecked Sendable {
    let printer: LanePrinter?
    private let scannerTransport: (any ByteTransport)?
    private let scannerHID: Bool
    private let framing: ScanFraming
    private var scanner: LaneScanner?
    private let display: CustomerDisplay?
    private let report: @Sendable (LaneEvent) -> Void
    private var usb: USBContext?

    init(configuration: LaneDevicesConfiguration, scanner: String?, printer: String?, display: String?,
         report: @escaping @Sendable (LaneEvent) -> Void) throws {
        self.report = report
        framing = configuration.scannerFraming
        var usb: USBContext?
        let context = { () throws(DeviceError) -> USBContext in
            if let usb { return usb }
            let created = try USBContext()
            usb = created
            return created
        }
        let printerAddress = printer ?? configuration.printerAddress
        if !printerAddress.isEmpty {
            let address = try DeviceAddress(parsing: printerAddress)
            let transport = try address.transport(serial: configuration.printerSerial, input: false, usb: context)
            var answersStatus = true
            if case .file = address { answersStatus = false }
            self.printer = EscPosLanePrinter(transport: transport, profile: configuration.printerProfile,
                                             header: EscPosLanePrinter.Header(storeName: configuration.storeName,
                                                                              addressLines: configuration.storeAddress,
                                                                              footer: configuration.footer),
                                             answersStatus: answersStatus, report: report)
        } else {
            self.printer = nil
        }
        let scannerAddress = scanner ?? configuration.scannerAddress
        if !scannerAddress.isEmpty {
            let address = try DeviceAddress(parsing: scannerAddress)
            scannerTransport = try address.transport(serial: configuration.scannerSerial, input: true, usb: context)
            if case .usb = address { scannerHID = true } else { scannerHID = false }
        } else {
            scannerTransport = nil
            scannerHID = false
        }
        let displayAddress = display ?? configuration.displayAddress
        if !displayAddress.isEmpty {
            let transport = try DeviceAddress(parsing: displayAddress).transport(serial: configuration.displaySerial, input: false, usb: context)
            let screen = CustomerDisplay(transport: transport)
            do {
                try screen.open()
            } catch {
                report(LaneEvent("warning", "display \(displayAddress): \(error.message); the lane sells without it"))
            }
            self.display = screen
        } else {
            self.display = nil
        }
        self.usb = usb
    }

    /// Starts reading scans; each goes to `onScan` on the scanner's thread.
    func startScanner(_ onScan: @escaping @Sendable (String) -> Void) {
        guard let scannerTransport else { return }
        let report = self.report
        let scanner = LaneScanner(transport: scannerTransport, hid: scannerHID, framing: framing, onScan: onScan,
                                  onProblem: { report(LaneEvent("scanner", $0)) })
        self.scanner = scanner
        scanner.start()
    }

    func stopScanner() { scanner?.stop() }

    /// Shows an item or a total on the customer display.
    func show(_ event: LaneEvent) {
        guard let display else { return }
        switch event.name {
        case "item":
            try? display.showItem(event.fields["name"] as? String ?? "", price: event.fields["amount"] as? Int64 ?? 0,
                                  total: event.fields["subtotal"] as? Int64 ?? 0)
        case "total":
            try? display.showTotal(event.fields["total"] as? Int64 ?? 0)
        case "sale", "cancel":
            try? display.clear()
        default:
            break
        }
    }
}

/// Writes lane events to standard output, a whole line at a time.
final class LaneOutputStream: @unchecked Sendable {
    private let json: Bool
    private let lock = NSLock()

    init(json: Bool) { self.json = json }

    func write(_ event: LaneEvent) {
        let line = (json ? event.jsonLine : event.text) + "\n"
        lock.withLock { FileHandle.standardOutput.write(Data(line.utf8)) }
    }
}
