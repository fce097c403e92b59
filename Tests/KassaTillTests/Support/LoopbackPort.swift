import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Free TCP ports on 127.0.0.1, for emupos's control API and printer.
enum LoopbackPort {
    /// A port the kernel just handed out for a listener on 127.0.0.1 and that is free again.
    ///
    /// Another process may take it before emupos binds it; `Emupos.start` then retries with new
    /// ports. Ephemeral ports are handed out in turn, so two parallel tests rarely collide.
    static func free() throws -> Int {
        #if os(Linux)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw EmuposError(.startFailed, "socket() failed with errno \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        // Safe: the pointer covers exactly one sockaddr_in, alive for the whole call, and
        // `length` says so to the kernel.
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw EmuposError(.startFailed, "could not bind 127.0.0.1:0, errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
