import Foundation
import KassaDevices

/// A scanner attached to the lane: its bytes are framed into scans (serial, file and TCP
/// scanners send a suffix or pause between codes; a USB HID POS scanner sends reports) and each
/// scan is handed to the lane as the text of its code, with the AIM identifier kept so the
/// lane's decoder knows the symbology. The connection reopens the device after an unplug.
public final class LaneScanner: @unchecked Sendable {
    private let connection: DeviceConnection
    private let lock = NSLock()
    /// Ends scans by a pause (framing without a suffix) and gives up on HID barcodes whose
    /// continuation never came: the connection only speaks when bytes arrive.
    private var ticker: DispatchSourceTimer?
    private let onScan: @Sendable (String) -> Void
    private let onProblem: @Sendable (String) -> Void
    private var framer: ScanFramer
    private var assembler = HidPosReportAssembler()
    private let reportsHID: Bool

    /// A scanner on `transport`; `hid` for a USB HID POS scanner. `onScan` and `onProblem` are
    /// called on the scanner's own thread.
    public init(transport: sending any ByteTransport, hid: Bool, framing: ScanFraming,
                onScan: @escaping @Sendable (String) -> Void, onProblem: @escaping @Sendable (String) -> Void) {
        framer = ScanFramer(framing: framing)
        reportsHID = hid
        self.onScan = onScan
        self.onProblem = onProblem
        let box = ScannerBox()
        connection = DeviceConnection(name: "scanner", transport: transport) { event in
            box.scanner?.receive(event)
        }
        box.scanner = self
    }

    public func start() {
        connection.start()
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "kassa.lane.scanner.tick"))
        timer.schedule(deadline: .now() + .milliseconds(20), repeating: .milliseconds(20))
        timer.setEventHandler { [weak self] in self?.tick() }
        timer.resume()
        ticker = timer
    }

    public func stop() {
        ticker?.cancel()
        connection.stop()
    }

    private func tick() {
        let now = UInt64(max(0, MonotonicTime.nowMs()))
        let scans: [String] = lock.withLock {
            if reportsHID {
                guard let deadline = assembler.deadlineMs, now >= deadline else { return [] }
                return texts(assembler.tick(at: now))
            }
            guard let deadline = framer.deadlineMs, now >= deadline else { return [] }
            return texts(framer.tick(at: now))
        }
        for scan in scans { onScan(scan) }
    }

    private func texts(_ events: [ScanFramerEvent]) -> [String] {
        events.compactMap { event in
            switch event {
            case .frame(let frame): return String(decoding: frame, as: UTF8.self)
            case .dropped(let error):
                onProblem("scanner: \(error.message)")
                return nil
            }
        }
    }

    private func texts(_ events: [HidPosEvent]) -> [String] {
        events.compactMap { event in
            switch event {
            case .scan(let scan): return (scan.identifier.map { $0.description } ?? "") + String(decoding: scan.data, as: UTF8.self)
            case .rejected(let error):
                onProblem("scanner: \(error.message)")
                return nil
            }
        }
    }

    private func receive(_ event: DeviceEvent) {
        let now = UInt64(max(0, MonotonicTime.nowMs()))
        switch event {
        case .data(let bytes):
            let scans: [String] = lock.withLock {
                reportsHID ? texts(assembler.receive(bytes, at: now)) : texts(framer.feed(bytes, at: now))
            }
            for scan in scans { onScan(scan) }
        case .statusUpdate(let status):
            onProblem("scanner \(connection.address): \(status)")
        case .error(let error, _):
            onProblem("scanner \(connection.address): \(error.message)")
        case .outputComplete:
            break
        }
    }
}

/// Lets the connection's callback reach the scanner that owns the connection.
private final class ScannerBox: @unchecked Sendable {
    weak var scanner: LaneScanner?
}
