#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A serial line driven directly through termios and `poll`.
///
/// Why it exists next to ``SerialPortTransport``: libserialport 0.1.1 (Debian 12) refuses
/// pseudo-terminals (they have no `/sys/class/tty` entry and `TIOCMGET` fails on them) and any
/// other tty it cannot describe, yet ptys are how a device simulator or a test talks to the till,
/// and some serial drivers look like that too. ``SerialTransport`` uses this transport when
/// libserialport says no.
///
/// The port is opened with `O_NOCTTY` (a till must not get a controlling terminal that could send
/// it SIGHUP), put in raw mode (`cfmakeraw`) with the given speed, framing and flow control, and
/// locked with `flock` so a second Kassa process gets `.busy` instead of half the bytes. A hang-up
/// (`EIO`, `ENXIO`, `POLLHUP`) is `.offline`: the adapter was unplugged or the other end closed.
public final class TermiosTransport: ByteTransport {
    /// The device path, e.g. `/dev/ttyUSB0` or a pty's link.
    public let path: String
    /// Speed, framing and flow control.
    public let settings: SerialSettings
    private var descriptor: Int32 = -1

    public var address: String { "serial \(path)" }

    /// A transport for `path`, not yet open.
    public init(path: String, settings: SerialSettings) {
        self.path = path
        self.settings = settings
    }

    deinit { close() }

    public func open() throws(DeviceError) {
        guard descriptor < 0 else { return }
        try settings.validated()
        if settings.flowControl == .dtrDsr {
            throw DeviceError(.invalidConfiguration, "\(address): Linux termios has no DTR/DSR flow control; use rts-cts, xon-xoff or none")
        }
        let opened = Glibc.open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard opened >= 0 else { throw Self.openFailure(path: path, errno: errno) }
        do throws(DeviceError) {
            if flock(opened, LOCK_EX | LOCK_NB) != 0 {
                throw PosixDescriptor.failure(.busy, "\(path) is in use by another process", errno: errno)
            }
            try configure(opened)
        } catch {
            _ = Glibc.close(opened)
            throw error
        }
        descriptor = opened
    }

    public func read(maxBytes: Int, timeoutMs: Int) throws(DeviceError) -> [UInt8] {
        guard descriptor >= 0 else { throw DeviceError(.closed, "\(address) is not open") }
        switch try PosixDescriptor.wait(descriptor, for: Int32(POLLIN), timeoutMs: timeoutMs, address: address) {
        case .timedOut: return []
        case .hungUp: throw DeviceError(.offline, "\(address) hung up: the device was unplugged or its other end closed")
        case .ready: return try PosixDescriptor.readReady(descriptor, maxBytes: maxBytes, address: address) ?? []
        }
    }

    public func write(_ bytes: [UInt8], timeoutMs: Int) throws(DeviceError) {
        guard descriptor >= 0 else { throw DeviceError(.closed, "\(address) is not open") }
        try PosixDescriptor.writeAll(descriptor, bytes, timeoutMs: timeoutMs, socket: false, address: address)
    }

    public func close() {
        guard descriptor >= 0 else { return }
        _ = Glibc.close(descriptor)
        descriptor = -1
    }

    private func configure(_ port: Int32) throws(DeviceError) {
        var options = termios()
        guard tcgetattr(port, &options) == 0 else {
            throw PosixDescriptor.failure(.invalidConfiguration, "\(path) is not a serial port", errno: errno)
        }
        cfmakeraw(&options)
        guard let speed = Self.speed(settings.baudRate), cfsetspeed(&options, speed) == 0 else {
            throw DeviceError(.invalidConfiguration, "\(address): baud rate \(settings.baudRate) cannot be set")
        }
        options.c_cflag &= ~(flag(CSIZE) | flag(PARENB) | flag(PARODD) | flag(CSTOPB) | flag(CRTSCTS) | flag(CMSPAR))
        options.c_cflag |= flag(CLOCAL) | flag(CREAD) | Self.characterSize(settings.dataBits)
        switch settings.parity {
        case .none: break
        case .odd: options.c_cflag |= flag(PARENB) | flag(PARODD)
        case .even: options.c_cflag |= flag(PARENB)
        case .mark: options.c_cflag |= flag(PARENB) | flag(PARODD) | flag(CMSPAR)
        case .space: options.c_cflag |= flag(PARENB) | flag(CMSPAR)
        }
        if settings.stopBits == 2 { options.c_cflag |= flag(CSTOPB) }
        options.c_iflag &= ~(flag(IXON) | flag(IXOFF) | flag(IXANY))
        switch settings.flowControl {
        case .none, .dtrDsr: break
        case .xonXoff: options.c_iflag |= flag(IXON) | flag(IXOFF)
        case .rtsCts: options.c_cflag |= flag(CRTSCTS)
        }
        // Reads never block in the kernel: `poll` does the waiting, so timeouts are ours.
        withUnsafeMutableBytes(of: &options.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(port, TCSANOW, &options) == 0 else {
            throw PosixDescriptor.failure(.invalidConfiguration, "setting \(settings) on \(path)", errno: errno)
        }
    }

    static func openFailure(path: String, errno number: Int32) -> DeviceError {
        let code: DeviceError.Code = switch number {
        case ENOENT, ENODEV, ENXIO: .noHardware
        case EACCES, EPERM, EBUSY: .busy
        default: .ioFailure
        }
        let hint = number == EACCES ? " (add the till's user to the dialout group)" : ""
        return PosixDescriptor.failure(code, "cannot open \(path)\(hint)", errno: number)
    }

    private static func characterSize(_ bits: Int) -> tcflag_t {
        switch bits {
        case 5: flag(CS5)
        case 6: flag(CS6)
        case 7: flag(CS7)
        default: flag(CS8)
        }
    }

    private static func speed(_ baud: Int) -> speed_t? {
        let table: [Int: Int32] = [
            50: B50, 75: B75, 110: B110, 134: B134, 150: B150, 200: B200, 300: B300, 600: B600, 1200: B1200,
            1800: B1800, 2400: B2400, 4800: B4800, 9600: B9600, 19200: B19200, 38400: B38400, 57600: B57600,
            115200: B115200, 230400: B230400, 460800: B460800, 500000: B500000, 576000: B576000, 921600: B921600,
            1000000: B1000000, 1152000: B1152000, 1500000: B1500000, 2000000: B2000000, 2500000: B2500000,
            3000000: B3000000, 3500000: B3500000, 4000000: B4000000,
        ]
        return table[baud].map { speed_t($0) }
    }
}

/// A termios flag as `tcflag_t`, whatever integer type the C header's macro was imported as.
private func flag(_ value: some BinaryInteger) -> tcflag_t {
    tcflag_t(truncatingIfNeeded: value)
}
