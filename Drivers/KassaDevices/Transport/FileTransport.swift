#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file or FIFO as a device: a printer that writes its bytes to a file (to look at a receipt
/// without paper), or a scanner that reads a recorded stream. Output files are appended to and
/// created when missing; input files must exist.
public final class FileTransport: ByteTransport {
    /// Reading, writing, or both.
    public enum Direction: Sendable {
        case input, output, both
    }

    public let path: String
    public let direction: Direction
    private var descriptor: Int32 = -1

    public var address: String { "file \(path)" }

    /// A transport for `path`, not yet open.
    public init(path: String, direction: Direction) {
        self.path = path
        self.direction = direction
    }

    deinit { close() }

    public func open() throws(DeviceError) {
        guard descriptor < 0 else { return }
        let flags: Int32 = switch direction {
        case .input: O_RDONLY | O_NONBLOCK
        case .output: O_WRONLY | O_APPEND | O_CREAT
        case .both: O_RDWR | O_APPEND | O_CREAT | O_NONBLOCK
        }
        let opened = Glibc.open(path, flags | O_CLOEXEC, 0o644)
        guard opened >= 0 else {
            let number = errno
            let code: DeviceError.Code = number == ENOENT ? .noHardware : number == EACCES ? .busy : .ioFailure
            throw DeviceError(code, "cannot open \(path): \(String(cString: strerror(number)))", errno: number)
        }
        descriptor = opened
    }

    public func read(maxBytes: Int, timeoutMs: Int) throws(DeviceError) -> [UInt8] {
        guard descriptor >= 0 else { throw DeviceError(.closed, "\(address) is not open") }
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, Int32(clamping: timeoutMs))
        guard ready > 0 else {
            if ready < 0 && errno != EINTR { throw DeviceError(.ioFailure, "waiting for \(address): \(String(cString: strerror(errno)))", errno: errno) }
            return []
        }
        var bytes = [UInt8](repeating: 0, count: max(1, maxBytes))
        let count = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
        guard count >= 0 else {
            if errno == EAGAIN || errno == EINTR { return [] }
            throw DeviceError(.ioFailure, "reading \(address): \(String(cString: strerror(errno)))", errno: errno)
        }
        return Array(bytes.prefix(count))
    }

    public func write(_ bytes: [UInt8], timeoutMs: Int) throws(DeviceError) {
        guard descriptor >= 0 else { throw DeviceError(.closed, "\(address) is not open") }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, $0.count - written) }
            guard count >= 0 else {
                if errno == EINTR { continue }
                let code: DeviceError.Code = errno == ENOSPC ? .offline : .ioFailure
                throw DeviceError(code, "writing \(address): \(String(cString: strerror(errno)))", errno: errno)
            }
            written += count
        }
    }

    public func close() {
        guard descriptor >= 0 else { return }
        _ = Glibc.close(descriptor)
        descriptor = -1
    }
}
