#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A raw TCP connection to a device, such as a network receipt printer on port 9100.
///
/// Connecting is non-blocking with `poll`, so an absent host costs `connectTimeoutMs`, not the
/// kernel's minutes. `TCP_NODELAY` is set because device traffic is small commands whose
/// answers the till waits for. The peer closing the connection, a reset, or an unreachable host
/// is `.offline`.
///
/// A refused connection is `.offline` too, not `.noHardware`: the host answered, so the address
/// is right, and a network printer refuses while it boots, while its raw port is disabled, or
/// while another client holds it; all of these pass, and the reconnect loop should keep trying.
/// `.noHardware` is kept for a host name that does not resolve, which no retry will fix.
public final class TCPTransport: ByteTransport {
    /// The host name or address.
    public let host: String
    /// The TCP port.
    public let port: UInt16
    /// How long `open` waits for the connection.
    public let connectTimeoutMs: Int
    private var descriptor: Int32 = -1

    public var address: String { "tcp \(host.contains(":") ? "[\(host)]" : host):\(port)" }

    /// A transport for `host:port`, not yet connected.
    public init(host: String, port: UInt16, connectTimeoutMs: Int = 3_000) {
        self.host = host
        self.port = port
        self.connectTimeoutMs = connectTimeoutMs
    }

    deinit { close() }

    public func open() throws(DeviceError) {
        guard descriptor < 0 else { return }
        let deadline = MonotonicTime.nowMs() + Int64(max(0, connectTimeoutMs))
        var lastError = DeviceError(.noHardware, "\(host) has no address")
        for candidate in try resolve() {
            do {
                descriptor = try connect(to: candidate, deadline: deadline)
                return
            } catch {
                lastError = error
                if error.code == .timeout { break }
            }
        }
        throw lastError
    }

    public func read(maxBytes: Int, timeoutMs: Int) throws(DeviceError) -> [UInt8] {
        guard descriptor >= 0 else { throw DeviceError(.closed, "\(address) is not connected") }
        switch try PosixDescriptor.wait(descriptor, for: Int32(POLLIN), timeoutMs: timeoutMs, address: address) {
        case .timedOut: return []
        case .hungUp: throw DeviceError(.offline, "\(address) dropped the connection")
        case .ready: return try PosixDescriptor.readReady(descriptor, maxBytes: maxBytes, address: address) ?? []
        }
    }

    public func write(_ bytes: [UInt8], timeoutMs: Int) throws(DeviceError) {
        guard descriptor >= 0 else { throw DeviceError(.closed, "\(address) is not connected") }
        try PosixDescriptor.writeAll(descriptor, bytes, timeoutMs: timeoutMs, socket: true, address: address)
    }

    public func close() {
        guard descriptor >= 0 else { return }
        _ = Glibc.close(descriptor)
        descriptor = -1
    }

    /// One address `getaddrinfo` gave, copied out of its list.
    private struct Candidate {
        var family: Int32
        var storage: sockaddr_storage
        var length: socklen_t
    }

    private func resolve() throws(DeviceError) -> [Candidate] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let list else {
            let reason = String(cString: gai_strerror(status))
            let code: DeviceError.Code = status == EAI_AGAIN ? .offline : .noHardware
            throw DeviceError(code, "cannot find \(host): \(reason); check the device's address in the configuration")
        }
        defer { freeaddrinfo(list) }
        var candidates: [Candidate] = []
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let current = entry {
            var storage = sockaddr_storage()
            let length = min(current.pointee.ai_addrlen, socklen_t(MemoryLayout<sockaddr_storage>.size))
            withUnsafeMutableBytes(of: &storage) { target in
                target.copyMemory(from: UnsafeRawBufferPointer(start: current.pointee.ai_addr, count: Int(length)))
            }
            candidates.append(Candidate(family: current.pointee.ai_family, storage: storage, length: length))
            entry = current.pointee.ai_next
        }
        return candidates
    }

    private func connect(to candidate: Candidate, deadline: Int64) throws(DeviceError) -> Int32 {
        let socket = Glibc.socket(candidate.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { throw PosixDescriptor.failure(.ioFailure, "creating a socket for \(address)", errno: errno) }
        do throws(DeviceError) {
            var storage = candidate.storage
            let started = withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, candidate.length) }
            }
            if started != 0 {
                let number = errno
                guard number == EINPROGRESS || number == EINTR else { throw connectFailure(number) }
                try finishConnect(socket, deadline: deadline)
            }
            var on: Int32 = 1
            _ = setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            _ = setsockopt(socket, SOL_SOCKET, SO_KEEPALIVE, &on, socklen_t(MemoryLayout<Int32>.size))
            return socket
        } catch {
            _ = Glibc.close(socket)
            throw error
        }
    }

    private func finishConnect(_ socket: Int32, deadline: Int64) throws(DeviceError) {
        let remaining = Int(max(0, deadline - MonotonicTime.nowMs()))
        switch try PosixDescriptor.wait(socket, for: Int32(POLLOUT), timeoutMs: remaining, address: address) {
        case .timedOut:
            throw DeviceError(.timeout, "\(address) did not answer within \(connectTimeoutMs) ms: is the device on this network?")
        case .ready, .hungUp:
            var result: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(socket, SOL_SOCKET, SO_ERROR, &result, &length) == 0 else { throw connectFailure(errno) }
            if result != 0 { throw connectFailure(result) }
        }
    }

    private func connectFailure(_ number: Int32) -> DeviceError {
        switch number {
        case ECONNREFUSED:
            PosixDescriptor.failure(.offline, "\(address) refused the connection (device starting, its raw port off, or held by another client)", errno: number)
        case EHOSTUNREACH, ENETUNREACH, EHOSTDOWN, ETIMEDOUT:
            PosixDescriptor.failure(.offline, "cannot reach \(address)", errno: number)
        case EACCES, EPERM:
            PosixDescriptor.failure(.busy, "connecting to \(address) is not permitted", errno: number)
        default:
            PosixDescriptor.failure(.ioFailure, "connecting to \(address)", errno: number)
        }
    }
}
