import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A throwaway PostgreSQL server that `kassa loadtest` starts for itself: a fresh cluster in a
/// temporary directory, listening on loopback on a free port, durable as a production server is
/// (`fsync`, `synchronous_commit` and `full_page_writes` on), and gone again after `stop()`.
///
/// PostgreSQL refuses to run as root. When this process runs as root (as in containers), the
/// cluster's directory is given to the `postgres` system user that Debian's package creates, and
/// `initdb`, `pg_ctl` and the server run as that user through `runuser` (or `su` where there is
/// no `runuser`); the temporary directory (`TMPDIR`, else /tmp) must then be one that user can
/// reach. As any other user, they run as that user.
public final class PostgresCluster: Sendable {
    /// How the cluster is set up; the defaults are the load test's.
    public struct Settings: Sendable {
        /// Connections the server accepts: one per load-test worker, and a few more.
        public var maxConnections = 300
        /// PostgreSQL's own cache, in its syntax.
        public var sharedBuffers = "256MB"
        /// Longest wait for the server to start or to stop.
        public var startStopSecondsMax = 60
        /// The system user that runs the server when this process is root.
        public var serverUserWhenRoot = "postgres"

        /// The load test's settings.
        public init() {}
    }

    /// The temporary directory: the data directory, the unix socket and the server log.
    public let directory: URL
    /// The TCP port on 127.0.0.1.
    public let port: Int
    /// Where `initdb`, `pg_ctl` and `postgres` were found.
    public let binDirectory: URL
    /// What `postgres --version` said, such as "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)".
    public let versionLine: String
    /// The user the server runs as when it is not this process's own (root's case).
    let serverUser: String?
    let settings: Settings
    private let stopped = Mutex(false)

    /// The database the load test uses: `postgres`, as superuser `kassa` with trust
    /// authentication, over TCP on loopback.
    public var connectionString: String {
        "host=127.0.0.1 port=\(port) user=kassa dbname=postgres connect_timeout=10"
    }

    /// The data directory inside `directory`.
    public var dataDirectory: URL { directory.appendingPathComponent("data") }
    /// The server's log.
    public var logFile: URL { directory.appendingPathComponent("postgres.log") }

    /// The major version, such as 15, read from `versionLine`; 0 when it cannot be read.
    public var majorVersion: Int {
        guard let range = versionLine.range(of: "(PostgreSQL) ") else { return 0 }
        return Int(versionLine[range.upperBound...].prefix { $0.isNumber }) ?? 0
    }

    /// "PostgreSQL 15 (Debian)", for reports.
    public var productName: String {
        "PostgreSQL \(majorVersion)" + (versionLine.contains("Debian") ? " (Debian)" : "")
    }

    private init(directory: URL, port: Int, binDirectory: URL, versionLine: String, serverUser: String?, settings: Settings) {
        self.directory = directory
        self.port = port
        self.binDirectory = binDirectory
        self.versionLine = versionLine
        self.serverUser = serverUser
        self.settings = settings
    }

    /// Finds the server, creates a cluster in a new temporary directory, and starts it; answers
    /// once it accepts connections. On failure nothing is left running and the directory is gone.
    public static func start(settings: Settings = Settings()) async throws -> PostgresCluster {
        let binDirectory = try await findServer()
        let version = try await run(binDirectory.appendingPathComponent("postgres"), ["--version"], as: nil, in: nil)
        guard version.status == 0 else {
            throw PostgresError(.setup, "`postgres --version` in \(binDirectory.path) failed: \(version.output)")
        }
        let serverUser = geteuid() == 0 ? settings.serverUserWhenRoot : nil
        let port = try SocketPort.free()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let cluster = PostgresCluster(directory: directory, port: port, binDirectory: binDirectory,
                                      versionLine: version.output.trimmingCharacters(in: .whitespacesAndNewlines),
                                      serverUser: serverUser, settings: settings)
        do {
            if let serverUser { try giveDirectory(directory, to: serverUser) }
            try await cluster.initialize()
            try await cluster.startServer()
        } catch {
            // A server that came up too late for `pg_ctl -w` is stopped before its files go; if it
            // cannot be, they stay, and the first error is the one that says what went wrong.
            try? await cluster.stop()
            throw error
        }
        return cluster
    }

    /// Stops the server (`pg_ctl -m fast`: open transactions roll back, committed ones stay) and
    /// removes the directory. Stopping twice does nothing the second time. If the server does
    /// not stop, the directory is kept for its log and the error says where it is.
    public func stop() async throws {
        guard stopped.withLock({ old in defer { old = true }; return !old }) else { return }
        let pidFile = dataDirectory.appendingPathComponent("postmaster.pid")
        if FileManager.default.fileExists(atPath: pidFile.path) {
            let result = try await pgCtl(["-m", "fast", "stop"])
            // pg_ctl answers 1 when no server was running (it crashed or was killed): nothing to stop.
            if result.status != 0, FileManager.default.fileExists(atPath: pidFile.path) {
                throw PostgresError(.setup, "pg_ctl stop failed; the cluster is left in \(directory.path): \(result.output)")
            }
        }
        try FileManager.default.removeItem(at: directory)
    }

    // MARK: - Steps

    private func initialize() async throws {
        let result = try await Self.run(binDirectory.appendingPathComponent("initdb"),
                                        ["-D", dataDirectory.path, "-A", "trust", "-U", "kassa", "-E", "UTF8", "--locale=C",
                                         // Only initdb skips fsync: the cluster it writes is thrown away if the run dies.
                                         "--no-sync"],
                                        as: serverUser, in: directory)
        guard result.status == 0 else {
            throw PostgresError(.setup, "initdb failed (exit \(result.status)): \(result.output)")
        }
        // Appended rather than rewritten, so the file keeps its owner (the server's user).
        let settingsText = """

            # Added by kassa loadtest: a durable server on loopback, for the baseline.
            listen_addresses = '127.0.0.1'
            port = \(port)
            unix_socket_directories = '\(directory.path)'
            fsync = on
            synchronous_commit = on
            full_page_writes = on
            max_connections = \(settings.maxConnections)
            shared_buffers = \(settings.sharedBuffers)
            logging_collector = off

            """
        let handle = try FileHandle(forWritingTo: dataDirectory.appendingPathComponent("postgresql.conf"))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(settingsText.utf8))
    }

    private func startServer() async throws {
        let result = try await pgCtl(["-l", logFile.path, "start"])
        guard result.status == 0 else {
            let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
            throw PostgresError(.setup, "pg_ctl start failed (exit \(result.status)): \(result.output)\nserver log:\n\(log.suffix(4000))")
        }
    }

    private func pgCtl(_ arguments: [String]) async throws -> CommandResult {
        try await Self.run(binDirectory.appendingPathComponent("pg_ctl"),
                           ["-D", dataDirectory.path, "-w", "-t", String(settings.startStopSecondsMax)] + arguments,
                           as: serverUser, in: directory)
    }

    /// The newest `/usr/lib/postgresql/<version>/bin` that holds a server, else `pg_config --bindir`.
    static func findServer() async throws -> URL {
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [])
            .compactMap { name in Double(name).map { (name, $0) } }
            .sorted { $0.1 > $1.1 }
        for (name, _) in versions {
            let bin = root.appendingPathComponent(name).appendingPathComponent("bin")
            if hasServer(bin) { return bin }
        }
        if let pgConfig = ["/usr/bin/pg_config", "/usr/local/bin/pg_config"].first(where: FileManager.default.isExecutableFile(atPath:)) {
            let result = try await run(URL(fileURLWithPath: pgConfig), ["--bindir"], as: nil, in: nil)
            let bin = URL(fileURLWithPath: result.output.trimmingCharacters(in: .whitespacesAndNewlines))
            if result.status == 0, hasServer(bin) { return bin }
        }
        throw PostgresError(.setup, "no PostgreSQL server found: looked for initdb, pg_ctl and postgres in /usr/lib/postgresql/*/bin "
                                    + "and in `pg_config --bindir`; install it with `apt-get install postgresql`")
    }

    private static func hasServer(_ bin: URL) -> Bool {
        ["initdb", "pg_ctl", "postgres"].allSatisfy { FileManager.default.isExecutableFile(atPath: bin.appendingPathComponent($0).path) }
    }

    /// Hands the directory to the system user that will run the server.
    private static func giveDirectory(_ directory: URL, to user: String) throws {
        guard let entry = getpwnam(user) else {
            throw PostgresError(.setup, "running as root, and there is no `\(user)` user to run PostgreSQL as (it refuses root); "
                                        + "install Debian's postgresql package, which creates it, or run as another user")
        }
        guard chown(directory.path, entry.pointee.pw_uid, entry.pointee.pw_gid) == 0 else {
            throw PostgresError(.setup, "could not give \(directory.path) to \(user): \(String(cString: strerror(errno)))")
        }
    }

    // MARK: - Commands

    struct CommandResult: Sendable {
        var status: Int32
        /// Standard output and standard error together.
        var output: String
    }

    /// Runs a command to its end, as `user` when one is given, and answers its exit status and
    /// output. Output goes to a file, not a pipe: `pg_ctl start` leaves a server behind, and a
    /// pipe it inherited would never reach its end.
    static func run(_ executable: URL, _ arguments: [String], as user: String?, in directory: URL?) async throws -> CommandResult {
        let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-pg-command-\(UUID().uuidString).out")
        let output = open(outputFile.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard output >= 0 else {
            throw PostgresError(.setup, "could not create \(outputFile.path) for a command's output: \(String(cString: strerror(errno)))")
        }
        defer { try? FileManager.default.removeItem(at: outputFile) }
        let command = commandLine(executable, arguments, as: user)
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C"
        let status: Int32
        do {
            defer { close(output) }
            let child = try ChildProcess.spawn(command.executable.path, command.arguments, environment: environment,
                                               directory: directory, output: output)
            status = try await ChildProcess.wait(child)
        }
        let text = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
        return CommandResult(status: status, output: text)
    }

    /// The command as given, or wrapped to run as `user`.
    private static func commandLine(_ executable: URL, _ arguments: [String], as user: String?) -> (executable: URL, arguments: [String]) {
        guard let user else { return (executable, arguments) }
        if let runuser = ["/usr/sbin/runuser", "/sbin/runuser"].first(where: FileManager.default.isExecutableFile(atPath:)) {
            return (URL(fileURLWithPath: runuser), ["-u", user, "--", executable.path] + arguments)
        }
        let quoted = ([executable.path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        return (URL(fileURLWithPath: "/bin/su"), [user, "-s", "/bin/sh", "-c", quoted.joined(separator: " ")])
    }
}

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

/// A failure of the PostgreSQL baseline: the server could not be found, set up, started or
/// stopped, a connection failed, or a statement did.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure; more kinds may come.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case setup, connection, statement, closed, overloaded
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Finding, creating, starting or stopping the server.
        public static let setup = Code(.setup)
        /// Connecting, or the connection broke.
        public static let connection = Code(.connection)
        /// The server refused a statement.
        public static let statement = Code(.statement)
        /// The session was already closed.
        public static let closed = Code(.closed)
        /// More work was queued on a session than one worker can give it.
        public static let overloaded = Code(.overloaded)

        /// "setup", "connection", "statement", "closed" or "overloaded".
        public var description: String { base.rawValue }
    }

    /// What kind of failure.
    public var code: Code
    /// What happened, with the server's or the tool's own words.
    public var message: String
    /// The server's SQLSTATE for a refused statement, such as "23505".
    public var sqlState: String?

    /// A failure of kind `code`, described by `message`.
    public init(_ code: Code, _ message: String, sqlState: String? = nil) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
    }

    /// "PostgreSQL statement: … (SQLSTATE 23505)".
    public var description: String {
        "PostgreSQL \(code): \(message)" + (sqlState.map { " (SQLSTATE \($0))" } ?? "")
    }
}
