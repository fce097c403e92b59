import Foundation
import Glibc
import Synchronization

/// What a token may do.
public enum Role: String, Sendable, CaseIterable, Codable {
    /// Post sales, returns, voids, quotes; read a customer's checkout summary.
    case till
    /// Customers, segments, reports, enrolment.
    case staff
    /// Everything, including rules, catalog and tokens.
    case admin
}

/// The holder of a valid token.
public struct Principal: Sendable, Equatable {
    public var role: Role
    public var name: String
}

/// API tokens, kept hashed (SHA-256) in `DATA/tokens.json`. On first start with no tokens, fresh
/// admin, till and staff tokens are written to `DATA/credentials` (mode 0600) for the operator.
/// `KASSA_ADMIN_TOKEN` in the environment adds an admin token that is never written down.
public final class TokenStore: @unchecked Sendable {
    private struct Entry: Codable {
        var hash: String
        var role: Role
        var name: String
        var created: String
    }

    private let lock = NSLock()
    private var entries: [Entry] {
        didSet {
            digests = entries.map { SHA256.Digest(hex: $0.hash) }
            changes.add(1, ordering: .releasing)
        }
    }
    /// Counts changes to the tokens held.
    private let changes = Atomic<Int>(0)
    /// Each entry's hash as a digest, parsed once; nil for a hash that is not 64 hex digits,
    /// which no token matches.
    private var digests: [SHA256.Digest?] = []
    private let path: String
    /// Where the first-start credentials were written, when they were.
    public let credentialsWritten: String?

    /// Opens (or on first start creates) the token file in `directory`.
    public init(directory: String, environmentAdminToken: String?) throws {
        path = directory + "/tokens.json"
        if let data = FileManager.default.contents(atPath: path) {
            do {
                entries = try JSONDecoder().decode([Entry].self, from: data)
            } catch {
                throw ConfigurationError("\(path) is damaged (\(error)); restore it from a backup or remove it to issue fresh tokens")
            }
            credentialsWritten = nil
        } else {
            entries = []
            var lines = ["# Kassa API tokens, written once at first start. Keep this file secret.", ""]
            for role in Role.allCases {
                let token = TokenStore.newToken()
                entries.append(Entry(hash: SHA256.hex(token), role: role, name: "first-start-\(role.rawValue)", created: TokenStore.now()))
                lines.append("\(role.rawValue)=\(token)")
            }
            let credentials = directory + "/credentials"
            let fd = open(credentials, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw ConfigurationError("cannot write \(credentials): \(String(cString: strerror(errno)))") }
            fchmod(fd, 0o600)
            let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            fsync(fd)
            close(fd)
            guard written == bytes.count else { throw ConfigurationError("cannot write \(credentials)") }
            credentialsWritten = credentials
            try save()
        }
        if let token = environmentAdminToken, !token.isEmpty {
            entries.append(Entry(hash: SHA256.hex(token), role: .admin, name: "KASSA_ADMIN_TOKEN", created: TokenStore.now()))
        }
        digests = entries.map { SHA256.Digest(hex: $0.hash) }
    }

    /// Changes with every change to the tokens held: what was looked up before holds while it
    /// stays the same. Tokens are only added today, which changes no earlier answer, but a
    /// token taken away must not keep working where a connection remembered it.
    public var revision: Int { changes.load(ordering: .acquiring) }

    /// The holder of `token`, or nil. Every stored hash is compared, in constant time each, so
    /// the time taken says nothing about which tokens exist.
    public func principal(for token: String) -> Principal? {
        let presented = SHA256.digest(token)
        lock.lock()
        defer { lock.unlock() }
        var found: Principal?
        for (entry, stored) in zip(entries, digests) {
            let difference = stored.map { $0.difference(presented) } ?? 1
            if difference == 0 && found == nil { found = Principal(role: entry.role, name: entry.name) }
        }
        return found
    }

    /// Issues a token; it is answered once and only its hash is kept.
    public func issue(role: Role, name: String) throws -> String {
        let token = TokenStore.newToken()
        lock.lock()
        defer { lock.unlock() }
        entries.append(Entry(hash: SHA256.hex(token), role: role, name: name, created: TokenStore.now()))
        do {
            try save()
        } catch {
            entries.removeLast()
            throw error
        }
        return token
    }

    /// Writes the file atomically: a temporary file, fsync, rename, directory fsync.
    private func save() throws {
        let stored = entries.filter { $0.name != "KASSA_ADMIN_TOKEN" }
        let data = try JSONEncoder().encode(stored)
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ConfigurationError("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == data.count, synced == 0, rename(temporary, path) == 0 else {
            throw ConfigurationError("cannot save \(path): \(String(cString: strerror(errno)))")
        }
        let directory = (path as NSString).deletingLastPathComponent
        let dfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }

    private static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let value = generator.next()
            let hex = String(value, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    private static func now() -> String { ISO8601DateFormatter().string(from: Date()) }
}

/// Comparisons whose time does not depend on where the compared texts differ.
enum ConstantTime {
    /// Whether `a` and `b` are the same bytes; the time taken depends only on their lengths.
    static func equal(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { a in
            b.withUTF8 { b in
                guard a.count == b.count else { return false }
                var difference: UInt8 = 0
                for index in 0..<a.count { difference |= a[index] ^ b[index] }
                return difference == 0
            }
        }
    }
}
