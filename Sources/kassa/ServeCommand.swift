import ArgumentParser
import Foundation
import Hummingbird
import KassaJournal
import KassaService
import Logging
import NIOCore

/// `kassa serve`: the service for tills and loyalty staff.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the service: recover the data directory and answer the HTTP API.",
        discussion: """
            Configuration comes from --config (default config/kassa.yaml when it exists, else the \
            built-in defaults), then KASSA_<SECTION>_<KEY> environment variables, then these flags. \
            SIGTERM or SIGINT stops accepting requests, finishes those in flight, flushes the journal \
            and the projection, and exits 0.
            """
    )

    @Option(name: .long, help: "The configuration file (YAML).")
    var config: String?

    @Option(name: .long, help: "The data directory.")
    var data: String = "./data"

    @Option(name: .long, help: "The address to listen on (overrides http.host).")
    var host: String?

    @Option(name: .long, help: "The TCP port (overrides http.port; 0 picks a free one).")
    var port: Int?

    func run() async throws {
        LoggingSystem.bootstrap { label in StderrLogHandler(label: label) }
        let logger = Logger(label: "kassa")
        // Before any store opens: SQLite takes its process-wide settings only before first use.
        if !SQLiteTuning.apply() {
            logger.warning("SQLite was in use before its settings could be applied (code \(SQLiteTuning.result)); it runs serialized, which is correct but slower")
        }
        var loaded: KassaConfiguration
        do {
            let path = config ?? (FileManager.default.fileExists(atPath: "config/kassa.yaml") ? "config/kassa.yaml" : nil)
            loaded = try KassaConfiguration.load(path: path)
            if let host { loaded.host = host }
            if let port {
                guard (0...65535).contains(port) else { throw ConfigurationError(description: "--port must be 0 to 65535") }
                loaded.port = port
            }
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
        let server: KassaServer
        do {
            server = try KassaServer(configuration: loaded, dataDirectory: data, logger: logger)
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
        let settings = loaded
        let openFiles = OpenFileLimit.raise()
        let connectionsMax = OpenFileLimit.connectionsMax(openFiles: openFiles)
        let durability = settings.intervalSync ? "interval (\(settings.intervalMilliseconds) ms; a power cut can lose that much acknowledged work)" : "fsync"
        say("kassa: data dir \(data), durability \(durability)")
        if let credentials = server.tokens.credentialsWritten {
            say("kassa: first start: admin, till and staff tokens written to \(credentials) (mode 0600)")
        }
        say("kassa: up to \(connectionsMax) connections at once (open-file limit \(openFiles)); more wait to be accepted")
        let app = Application(
            router: server.router(),
            server: .http1(configuration: .init(additionalChannelHandlers: server.connectionHandlers())),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "kassa",
                                 availableConnectionsDelegate: ConnectionLimit(maximum: connectionsMax, logger: logger)),
            onServerRunning: { channel in
                let address = channel.localAddress.map { "\($0.ipAddress ?? settings.host):\($0.port ?? settings.port)" } ?? "?"
                say("kassa: listening on http://\(address)")
                Task.detached {
                    do {
                        try server.recover()
                        say("kassa: \(server.storage?.recovery.description ?? "")")
                    } catch {
                        // Start-up stops: nothing is served from a data directory that could not
                        // be recovered, and a supervisor sees the exit status.
                        say("kassa: recovery failed: \(error)")
                        printError("recovery failed: \(error)")
                        Foundation.exit(1)
                    }
                }
            },
            logger: logger
        )
        do {
            try await app.runService()
        } catch {
            // The listener could not come up: said plainly, with the setting to change, instead
            // of the socket call's own words. Nothing was recovered or served yet.
            guard let reason = listenFailure(error) else { throw error }
            printError("cannot listen on \(settings.host):\(settings.port): \(reason)")
            throw ExitCode(2)
        }
        server.stop()
        say("kassa: stopped cleanly")
    }
}

/// Why the listener could not bind, in words an operator acts on; nil for any other error.
func listenFailure(_ error: any Error) -> String? {
    if let error = error as? IOError {
        switch error.errnoCode {
        case EADDRINUSE:
            return "the address is in use (another process listens there); stop it, or choose another port with --port or http.port"
        case EADDRNOTAVAIL:
            return "no network interface here has that address; choose another with --host or http.host"
        case EACCES:
            return "permission denied (ports below 1024 need privileges); choose another port with --port or http.port"
        default:
            return nil
        }
    }
    if let error = error as? SocketAddressError.UnknownHost {
        return "the host name does not resolve (\(error.errorDescription)); choose another with --host or http.host"
    }
    if error is SocketAddressError {
        return "not a usable address (\(error)); choose another with --host or http.host"
    }
    return nil
}

/// Writes a line to standard output at once (unbuffered), so a supervisor or a test sees each
/// start-up line as it happens.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
