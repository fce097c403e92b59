import CSerialPort
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A serial port through libserialport: real UARTs and USB serial adapters (FTDI, Prolific,
/// CH340, CDC ACM), where the library knows the port's driver and its USB identity.
///
/// Reads wait with `sp_wait` for the port to become readable and then take what is there with
/// `sp_nonblocking_read`; writes use `sp_blocking_write` with the caller's timeout. A read that
/// finds the port readable but empty, `EIO`, or `POLLHUP` on the port's handle means the adapter
/// was unplugged: `.offline`. libserialport's own message is kept in every error.
///
/// libserialport 0.1.1 refuses pseudo-terminals; use ``SerialTransport``, which falls back to
/// ``TermiosTransport`` when this transport cannot open a path.
public final class SerialPortTransport: ByteTransport {
    /// The device path, e.g. `/dev/ttyUSB0`.
    public let path: String
    /// Speed, framing and flow control.
    public let settings: SerialSettings
    /// The libserialport port and its read event set, both owned here and freed in `close`.
    /// Invariant: `port` is non-nil exactly while the port is open, and `events` only then.
    private var port: OpaquePointer?
    private var events: UnsafeMutablePointer<sp_event_set>?

    public var address: String { "serial \(path)" }

    /// A transport for `path`, not yet open.
    public init(path: String, settings: SerialSettings) {
        self.path = path
        self.settings = settings
    }

    deinit { close() }

    public func open() throws(DeviceError) {
        guard port == nil else { return }
        try settings.validated()
        var found: OpaquePointer?
        try check(sp_get_port_by_name(path, &found), "finding \(path)", notFound: .noHardware)
        guard let found else { throw DeviceError(.noHardware, "libserialport knows no port \(path)") }
        do throws(DeviceError) {
            try check(sp_open(found, SP_MODE_READ_WRITE), "opening \(path)", notFound: .noHardware)
            try configure(found)
            var set: UnsafeMutablePointer<sp_event_set>?
            try check(sp_new_event_set(&set), "preparing to wait on \(path)")
            events = set
            try check(sp_add_port_events(set, found, sp_event(rawValue: SP_EVENT_RX_READY.rawValue | SP_EVENT_ERROR.rawValue)),
                      "preparing to wait on \(path)")
        } catch {
            if let set = events { sp_free_event_set(set) }
            events = nil
            sp_close(found)
            sp_free_port(found)
            throw error
        }
        port = found
    }

    public func read(maxBytes: Int, timeoutMs: Int) throws(DeviceError) -> [UInt8] {
        guard let port, let events else { throw DeviceError(.closed, "\(address) is not open") }
        // sp_wait treats 0 as "wait forever", so a zero timeout only looks at what is there.
        if timeoutMs > 0 { try check(sp_wait(events, UInt32(clamping: timeoutMs)), "waiting for \(path)") }
        var bytes = [UInt8](repeating: 0, count: max(1, maxBytes))
        let count = bytes.withUnsafeMutableBytes { sp_nonblocking_read(port, $0.baseAddress, $0.count) }
        try check(count, "reading \(path)")
        if count.rawValue > 0 { return Array(bytes.prefix(Int(count.rawValue))) }
        if try hungUp(port) { throw DeviceError(.offline, "\(address) hung up: the adapter was unplugged or the line closed") }
        return []
    }

    public func write(_ bytes: [UInt8], timeoutMs: Int) throws(DeviceError) {
        guard let port else { throw DeviceError(.closed, "\(address) is not open") }
        guard !bytes.isEmpty else { return }
        let count = bytes.withUnsafeBytes { sp_blocking_write(port, $0.baseAddress, $0.count, UInt32(clamping: max(1, timeoutMs))) }
        try check(count, "writing to \(path)")
        guard Int(count.rawValue) == bytes.count else {
            throw DeviceError(.timeout, "\(address) took only \(count.rawValue) of \(bytes.count) bytes in \(timeoutMs) ms")
        }
    }

    public func close() {
        if let events { sp_free_event_set(events) }
        events = nil
        guard let port else { return }
        sp_close(port)
        sp_free_port(port)
        self.port = nil
    }

    private func configure(_ port: OpaquePointer) throws(DeviceError) {
        try check(sp_set_baudrate(port, Int32(settings.baudRate)), "setting \(settings.baudRate) baud on \(path)", failure: .invalidConfiguration)
        try check(sp_set_bits(port, Int32(settings.dataBits)), "setting \(settings.dataBits) data bits on \(path)", failure: .invalidConfiguration)
        let parity: sp_parity = switch settings.parity {
        case .none: SP_PARITY_NONE
        case .odd: SP_PARITY_ODD
        case .even: SP_PARITY_EVEN
        case .mark: SP_PARITY_MARK
        case .space: SP_PARITY_SPACE
        }
        try check(sp_set_parity(port, parity), "setting \(settings.parity) parity on \(path)", failure: .invalidConfiguration)
        try check(sp_set_stopbits(port, Int32(settings.stopBits)), "setting \(settings.stopBits) stop bits on \(path)", failure: .invalidConfiguration)
        let flow: sp_flowcontrol = switch settings.flowControl {
        case .none: SP_FLOWCONTROL_NONE
        case .xonXoff: SP_FLOWCONTROL_XONXOFF
        case .rtsCts: SP_FLOWCONTROL_RTSCTS
        case .dtrDsr: SP_FLOWCONTROL_DTRDSR
        }
        try check(sp_set_flowcontrol(port, flow), "setting \(settings.flowControl) flow control on \(path)", failure: .invalidConfiguration)
    }

    /// Whether the port's descriptor reports a hang-up; libserialport does not say so itself.
    private func hungUp(_ port: OpaquePointer) throws(DeviceError) -> Bool {
        var handle: Int32 = -1
        try check(sp_get_port_handle(port, &handle), "reading \(path)")
        var poller = pollfd(fd: handle, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, 0) > 0 else { return false }
        return Int32(poller.revents) & Int32(POLLHUP | POLLERR | POLLNVAL) != 0
    }

    /// Throws for a negative libserialport result, with the library's message and errno.
    private func check(_ result: sp_return, _ doing: String, notFound: DeviceError.Code? = nil,
                       failure: DeviceError.Code = .ioFailure) throws(DeviceError) {
        guard result.rawValue < 0 else { return }
        throw SerialPortTransport.error(result, doing, notFound: notFound, failure: failure)
    }

    /// The ``DeviceError`` for a failed libserialport call.
    static func error(_ result: sp_return, _ doing: String, notFound: DeviceError.Code? = nil,
                      failure: DeviceError.Code = .ioFailure) -> DeviceError {
        switch result {
        case SP_ERR_ARG:
            return DeviceError(.invalidConfiguration, "\(doing): libserialport rejected the arguments")
        case SP_ERR_SUPP:
            return DeviceError(.invalidConfiguration, "\(doing): not supported by this port or system")
        case SP_ERR_MEM:
            return DeviceError(.ioFailure, "\(doing): libserialport ran out of memory")
        default:
            let number = sp_last_error_code()
            var text = "unknown error"
            if let message = sp_last_error_message() {
                text = String(cString: message)
                sp_free_error_message(message)
            }
            let code: DeviceError.Code = switch number {
            case ENOENT, ENODEV: notFound ?? .offline
            case EIO, ENXIO: .offline
            case EACCES, EPERM, EBUSY: .busy
            default: failure
            }
            return DeviceError(code, "\(doing): \(text)", errno: number == 0 ? nil : number)
        }
    }
}
