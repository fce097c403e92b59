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
