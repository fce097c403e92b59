/// A USB printer-class device (interface class 7), such as a receipt printer on USB: receipt
/// bytes go out through the bulk OUT endpoint, status bytes (answers to ESC/POS status requests)
/// come in through the bulk IN endpoint when the printer has one.
public final class USBPrinterTransport: ByteTransport {
    /// The printer interface class.
    public static let interfaceClass: UInt8 = 7

    /// The printer's port status, as the USB printer class defines it (GET_PORT_STATUS).
    public struct PortStatus: Hashable, Sendable {
        /// The status byte.
        public var bits: UInt8
        /// Paper has run out.
        public var paperEmpty: Bool { bits & 0x20 != 0 }
        /// The printer is selected (online).
        public var selected: Bool { bits & 0x10 != 0 }
        /// The printer reports no error.
        public var noError: Bool { bits & 0x08 != 0 }
    }

    /// Which device to open.
    public let selector: USBDeviceSelector
    private let context: USBContext
    private var claimed: USBInterfaceHandle?

    public var address: String { "usb printer \(selector)" }

    /// A transport for the printer `selector` names, not yet open.
    public init(context: USBContext, selector: USBDeviceSelector) {
        self.context = context
        self.selector = selector
    }

    deinit { close() }

    public func open() throws(DeviceError) {
        guard claimed == nil else { return }
        claimed = try USBInterfaceHandle.open(context, selector, interfaceClass: Self.interfaceClass, what: address) {
            $0.endpoint(.bulk, input: false) != nil
        }
    }

    /// Reads status bytes from the bulk IN endpoint; a printer without one never has any.
    public func read(maxBytes: Int, timeoutMs: Int) throws(DeviceError) -> [UInt8] {
        guard let claimed else { throw DeviceError(.closed, "\(address) is not open") }
        guard let endpoint = claimed.interface.endpoint(.bulk, input: true) else { return [] }
        // A bulk IN transfer shorter than a packet could overflow, so ask for whole packets.
        let packet = max(1, endpoint.maxPacketSize)
        var bytes = [UInt8](repeating: 0, count: max(packet, (maxBytes / packet) * packet))
        let (count, _) = try claimed.transfer(endpoint, &bytes, timeoutMs: timeoutMs, what: address)
        return Array(bytes.prefix(count))
    }

    public func write(_ bytes: [UInt8], timeoutMs: Int) throws(DeviceError) {
        guard let claimed else { throw DeviceError(.closed, "\(address) is not open") }
        guard let endpoint = claimed.interface.endpoint(.bulk, input: false) else {
            throw DeviceError(.invalidConfiguration, "\(address) has no bulk OUT endpoint")
        }
        var buffer = bytes
        let (count, timedOut) = try claimed.transfer(endpoint, &buffer, timeoutMs: timeoutMs, what: address)
        if timedOut || count < bytes.count {
            throw DeviceError(.timeout, "\(address) took only \(count) of \(bytes.count) bytes in \(timeoutMs) ms (paper out or cover open?)")
        }
    }

    /// The printer-class port status (paper empty, selected, error).
    public func portStatus(timeoutMs: Int = 1_000) throws(DeviceError) -> PortStatus {
        guard let claimed else { throw DeviceError(.closed, "\(address) is not open") }
        let bytes = try claimed.controlIn(request: 1, value: 0, length: 1, timeoutMs: timeoutMs, what: address)
        guard let first = bytes.first else { throw DeviceError(.ioFailure, "\(address) sent an empty port status") }
        return PortStatus(bits: first)
    }

    public func close() {
        claimed?.close()
        claimed = nil
    }
}
