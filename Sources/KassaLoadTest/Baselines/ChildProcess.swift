import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A command started with `posix_spawn` and waited for on a thread of its own. Not Foundation's
/// `Process`: on Linux it learns that a child ended when a socket the child inherited closes, and
/// the server that `pg_ctl start` leaves behind would inherit it too and keep it open, so the
/// wait would never end. Here the child gets standard input from /dev/null, standard output and
/// error on `output`, and no other descriptor of this process. The process code of the cluster is
/// here and only here.
enum ChildProcess {
    static func spawn(_ executable: String, _ arguments: [String], environment: [String: String], directory: URL?,
                      output: Int32) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        guard posix_spawn_file_actions_init(&actions) == 0 else { throw failure("prepare to start", executable, errno) }
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        try closeOthersAndChange(&actions, to: directory)

        // The spawning thread may block signals (the cooperative pool's threads do); the server
        // must start with none blocked and every handler at its default.
        var attributes = posix_spawnattr_t()
        guard posix_spawnattr_init(&attributes) == 0 else { throw failure("prepare to start", executable, errno) }
        defer { posix_spawnattr_destroy(&attributes) }
        var noneBlocked = sigset_t()
        sigemptyset(&noneBlocked)
        posix_spawnattr_setsigmask(&attributes, &noneBlocked)
        var allDefault = sigset_t()
        sigfillset(&allDefault)
        posix_spawnattr_setsigdefault(&attributes, &allDefault)
        #if os(Linux)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        #else
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_CLOEXEC_DEFAULT))
        #endif

        // strdup'd copies live until posix_spawn returns; the child has its own by then.
        let argv = ([executable] + arguments).map { strdup($0) }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") }
        defer { (argv + envp).forEach { free($0) } }
        guard !argv.contains(nil), !envp.contains(nil) else { throw failure("copy the arguments of", executable, ENOMEM) }
        var child = pid_t()
        let result = posix_spawn(&child, executable, &actions, &attributes, argv + [nil], envp + [nil])
        guard result == 0 else { throw failure("start", executable, result) }
        return child
    }

    #if os(Linux)
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    /// Closes every descriptor from 3 up in the child, and starts it in `directory`. glibc (2.34
    /// and later) has both actions, but its header declares them only for _GNU_SOURCE, which
    /// Swift's Glibc module does not define; so they are looked up by name.
    private static func closeOthersAndChange(_ actions: inout posix_spawn_file_actions_t, to directory: URL?) throws {
        let everything = dlopen(nil, RTLD_NOW)
        defer { if let everything { dlclose(everything) } }
        guard let closeFromSymbol = dlsym(everything, "posix_spawn_file_actions_addclosefrom_np") else {
            throw PostgresError(.setup, "starting PostgreSQL needs posix_spawn_file_actions_addclosefrom_np (glibc 2.34 or later)")
        }
        _ = unsafeBitCast(closeFromSymbol, to: CloseFrom.self)(&actions, 3)
        if let directory, let changeSymbol = dlsym(everything, "posix_spawn_file_actions_addchdir_np") {
            _ = directory.path.withCString { unsafeBitCast(changeSymbol, to: ChangeDirectory.self)(&actions, $0) }
        }
    }
    #else
    /// Darwin closes the other descriptors through POSIX_SPAWN_CLOEXEC_DEFAULT.
    private static func closeOthersAndChange(_ actions: inout posix_spawn_file_actions_t, to directory: URL?) throws {
        if let directory { posix_spawn_file_actions_addchdir_np(&actions, directory.path) }
    }
    #endif

    /// The child's exit status, or 128 + the signal that ended it. Waits on a new thread, never
    /// on one of the cooperative pool's.
    static func wait(_ child: pid_t) async throws -> Int32 {
        try await withCheckedThrowingContinuation { continuation in
            let waiter = Thread {
                var status: Int32 = 0
                var reaped: pid_t
                repeat { reaped = waitpid(child, &status, 0) } while reaped == -1 && errno == EINTR
                guard reaped == child else {
                    continuation.resume(throwing: failure("wait for", "process \(child)", errno))
                    return
                }
                let signal = status & 0x7f
                continuation.resume(returning: signal == 0 ? (status >> 8) & 0xff : 128 + signal)
            }
            waiter.name = "kassa-pg-wait"
            waiter.start()
        }
    }

    private static func failure(_ doing: String, _ what: String, _ code: Int32) -> PostgresError {
        PostgresError(.setup, "could not \(doing) \(what): \(String(cString: strerror(code)))")
    }
}

/// A TCP port on 127.0.0.1, found or checked by binding to it. The socket code of the cluster is
/// here and only here; each call owns its descriptor from `socket` to `close`.
enum SocketPort {
    /// A port the kernel says is free now (binding port 0 and closing). Another process could
    /// take it before the server does; then the server fails to start and says so.
    static func free() throws -> Int {
        let descriptor = try openSocket()
        defer { close(descriptor) }
        var address = loopback(port: 0)
        guard bindSocket(descriptor, &address) == 0 else {
            throw PostgresError(.setup, "could not bind a socket on 127.0.0.1 to find a free port: \(String(cString: strerror(errno)))")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else {
            throw PostgresError(.setup, "could not read the port the kernel chose: \(String(cString: strerror(errno)))")
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether a server could listen on `port` now: nothing else is bound to it. Connections
    /// left in TIME_WAIT do not count, as they do not for PostgreSQL (it sets SO_REUSEADDR too).
    static func isFree(_ port: Int) -> Bool {
        guard let descriptor = try? openSocket() else { return false }
        defer { close(descriptor) }
        var reuse: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = loopback(port: UInt16(truncatingIfNeeded: port))
        return bindSocket(descriptor, &address) == 0
    }

    private static func openSocket() throws -> Int32 {
        #if os(Linux)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else {
            throw PostgresError(.setup, "could not open a socket: \(String(cString: strerror(errno)))")
        }
        return descriptor
    }

    private static func bindSocket(_ descriptor: Int32, _ address: inout sockaddr_in) -> Int32 {
        withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}
