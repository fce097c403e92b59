#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The system calls the descriptor-based transports (termios, TCP, libserialport's handle)
/// share: waiting with `poll`, reading what is there, writing everything before a deadline, and
/// turning `errno` into a ``DeviceError``. Retries on `EINTR` live here and nowhere else.
enum PosixDescriptor {
    /// What `poll` saw on a descriptor.
    enum Readiness {
        case ready, timedOut, hungUp
    }

    /// Waits up to `timeoutMs` for `events` on `descriptor`. A hang-up or error condition with no
    /// data left to read is `.hungUp`: the other end is gone.
    static func wait(_ descriptor: Int32, for events: Int32, timeoutMs: Int, address: String) throws(DeviceError) -> Readiness {
        let deadline = MonotonicTime.nowMs() + Int64(max(0, timeoutMs))
        while true {
            var poller = pollfd(fd: descriptor, events: Int16(events), revents: 0)
            let remaining = max(0, deadline - MonotonicTime.nowMs())
            let result = poll(&poller, 1, Int32(clamping: remaining))
            if result < 0 {
                let number = errno
                if number == EINTR { continue }
                throw failure(.ioFailure, "waiting for \(address)", errno: number)
            }
            if result == 0 { return .timedOut }
            let seen = Int32(poller.revents)
            if seen & events != 0 { return .ready }
            if seen & Int32(POLLHUP | POLLERR | POLLNVAL) != 0 { return .hungUp }
            return .ready
        }
    }

    /// Reads up to `maxBytes` that are ready now; `nil` when none were (`EAGAIN`).
    static func readReady(_ descriptor: Int32, maxBytes: Int, address: String) throws(DeviceError) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: max(1, maxBytes))
        while true {
            let count = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 { return Array(bytes.prefix(count)) }
            if count == 0 { throw DeviceError(.offline, "\(address) closed the connection") }
            let number = errno
            if number == EINTR { continue }
            if number == EAGAIN || number == EWOULDBLOCK { return nil }
            throw failure(isGone(number) ? .offline : .ioFailure, "reading \(address)", errno: number)
        }
    }

    /// Writes all of `bytes` by `timeoutMs`, waiting for room with `poll`; `send` is used on
    /// sockets so a closed peer is an error, not a SIGPIPE.
    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], timeoutMs: Int, socket: Bool, address: String) throws(DeviceError) {
        let deadline = MonotonicTime.nowMs() + Int64(max(0, timeoutMs))
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                let start = buffer.baseAddress.map { $0 + written }
                return socket ? Glibc.send(descriptor, start, buffer.count - written, Int32(MSG_NOSIGNAL))
                    : Glibc.write(descriptor, start, buffer.count - written)
            }
            if count > 0 {
                written += count
                continue
            }
            let number = errno
            if count < 0 && number == EINTR { continue }
            guard count == 0 || number == EAGAIN || number == EWOULDBLOCK else {
                throw failure(isGone(number) ? .offline : .ioFailure, "writing to \(address)", errno: number)
            }
            let remaining = deadline - MonotonicTime.nowMs()
            guard remaining > 0 else {
                throw DeviceError(.timeout, "\(address) took only \(written) of \(bytes.count) bytes in \(timeoutMs) ms")
            }
            switch try wait(descriptor, for: Int32(POLLOUT), timeoutMs: Int(remaining), address: address) {
            case .ready, .timedOut: continue
            case .hungUp: throw DeviceError(.offline, "\(address) went away while writing")
            }
        }
    }

    /// Whether `number` means the device or peer is gone rather than a passing fault.
    static func isGone(_ number: Int32) -> Bool {
        number == EIO || number == ENXIO || number == ENODEV || number == EPIPE || number == ECONNRESET
            || number == ENOTCONN || number == ESHUTDOWN || number == EHOSTUNREACH || number == ENETDOWN || number == ETIMEDOUT
    }

    /// A ``DeviceError`` saying `doing` failed with `errno`'s text.
    static func failure(_ code: DeviceError.Code, _ doing: String, errno number: Int32) -> DeviceError {
        DeviceError(code, "\(doing): \(String(cString: strerror(number)))", errno: number)
    }
}

/// Milliseconds on the monotonic clock, for deadlines and the reconnect backoff.
public enum MonotonicTime {
    /// Now, in milliseconds since an arbitrary start (boot), never going backwards.
    public static func nowMs() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
