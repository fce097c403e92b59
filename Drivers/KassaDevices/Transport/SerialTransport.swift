/// A serial port, opened through libserialport when it can and through termios when it cannot.
///
/// libserialport 0.1.1 refuses pseudo-terminals and any tty without a `/sys/class/tty` entry;
/// those still work as raw termios lines, so each `open` tries ``SerialPortTransport`` first and
/// falls back to ``TermiosTransport``, remembering nothing: after an unplug the replacement device
/// may be of the other sort. A path that does not exist is `.noHardware` without a second try.
public final class SerialTransport: ByteTransport {
    /// Which implementation carries the bytes.
    public enum Backend: String, Sendable {
        case libserialport, termios
    }

    /// The device path.
    public let path: String
    /// Speed, framing and flow control.
    public let settings: SerialSettings
    /// The implementation in use while open, `nil` while closed.
    public private(set) var backend: Backend?
    /// Why libserialport was not used at the last `open`, when it was not.
    public private(set) var libserialportRefusal: DeviceError?
    private var active: (any ByteTransport)?

    public var address: String { "serial \(path)" }

    /// A transport for `path`, not yet open.
    public init(path: String, settings: SerialSettings) {
        self.path = path
        self.settings = settings
    }

    /// Opens `path` with `settings`, through libserialport or else termios.
    public static func open(path: String, settings: SerialSettings) throws(DeviceError) -> SerialTransport {
        let transport = SerialTransport(path: path, settings: settings)
        try transport.open()
        return transport
    }

    deinit { close() }

    public func open() throws(DeviceError) {
        guard active == nil else { return }
        try settings.validated()
        let library = SerialPortTransport(path: path, settings: settings)
        do {
            try library.open()
            libserialportRefusal = nil
            active = library
            backend = .libserialport
            return
        } catch where error.code == .noHardware || error.code == .busy || error.code == .invalidConfiguration && settings.flowControl == .dtrDsr {
            throw error
        } catch {
            libserialportRefusal = error
        }
        let fallback = TermiosTransport(path: path, settings: settings)
        do {
            try fallback.open()
        } catch {
            let refusal = libserialportRefusal.map { " (libserialport: \($0.message))" } ?? ""
            throw DeviceError(error.code, error.message + refusal, errno: error.errno)
        }
        active = fallback
        backend = .termios
    }

    public func read(maxBytes: Int, timeoutMs: Int) throws(DeviceError) -> [UInt8] {
        guard let active else { throw DeviceError(.closed, "\(address) is not open") }
        return try active.read(maxBytes: maxBytes, timeoutMs: timeoutMs)
    }

    public func write(_ bytes: [UInt8], timeoutMs: Int) throws(DeviceError) {
        guard let active else { throw DeviceError(.closed, "\(address) is not open") }
        try active.write(bytes, timeoutMs: timeoutMs)
    }

    public func close() {
        active?.close()
        active = nil
        backend = nil
    }
}
