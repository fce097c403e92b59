/// A HID POS barcode scanner on USB (interface class 3): each read returns one raw input report
/// from the interrupt IN endpoint, normally 64 bytes, for the HID POS report parser above.
///
/// Reports are never split or joined: `read(maxBytes:timeoutMs:)` returns exactly one report (or
/// nothing on timeout) whatever `maxBytes` says, because half a report cannot be parsed. Writes
/// go to the interrupt OUT endpoint (output reports: beep, LED, enable), when there is one.
public final class USBScannerTransport: ByteTransport {
    /// The HID interface class.
    public static let interfaceClass: UInt8 = 3

    /// Which device to open.
    public let selector: USBDeviceSelector
    private let context: USBContext
    private var claimed: USBInterfaceHandle?

    public var address: String { "usb scanner \(selector)" }

    /// A transport for the scanner `selector` names, not yet open.
    public init(context: USBContext, selector: USBDeviceSelector) {
        self.context = context
        self.selector = selector
    }

    deinit { close() }

    /// The size of one input report, once open.
    public var reportSize: Int? {
        claimed?.interface.endpoint(.interrupt, input: true).map { max(1, $0.maxPacketSize) }
    }

    public func open() throws(DeviceError) {
        guard claimed == nil else { return }
        claimed = try USBInterfaceHandle.open(context, selector, interfaceClass: Self.interfaceClass, what: address) {
            $0.endpoint(.interrupt, input: true) != nil
        }
    }

    public func read(maxBytes: Int, timeoutMs: Int) throws(DeviceError) -> [UInt8] {
        guard let claimed, let endpoint = claimed.interface.endpoint(.interrupt, input: true) else {
            throw DeviceError(.closed, "\(address) is not open")
        }
        var report = [UInt8](repeating: 0, count: max(1, endpoint.maxPacketSize))
        let (count, _) = try claimed.transfer(endpoint, &report, timeoutMs: timeoutMs, what: address)
        return Array(report.prefix(count))
    }

    public func write(_ bytes: [UInt8], timeoutMs: Int) throws(DeviceError) {
        guard let claimed else { throw DeviceError(.closed, "\(address) is not open") }
        guard let endpoint = claimed.interface.endpoint(.interrupt, input: false) else {
            throw DeviceError(.invalidConfiguration, "\(address) has no interrupt OUT endpoint for output reports")
        }
        var buffer = bytes
        let (count, timedOut) = try claimed.transfer(endpoint, &buffer, timeoutMs: timeoutMs, what: address)
        if timedOut || count < bytes.count {
            throw DeviceError(.timeout, "\(address) took only \(count) of \(bytes.count) bytes in \(timeoutMs) ms")
        }
    }

    public func close() {
        claimed?.close()
        claimed = nil
    }
}
