#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// What the machine a run measured is, as (name, value) rows for the reports: a number means
/// little without the CPU, the memory and the filesystem under the data directory beside it.
///
/// Everything is read from Linux's `/proc` and `/etc/os-release`; what cannot be read shows as
/// "unknown" so that a report is never lost over a missing file.
public enum MachineInfo {
    /// The most read from any one file; `/proc/cpuinfo` of a very large machine stays well below.
    static let readLimitBytes = 4 << 20

    /// CPU model, logical cores, memory, kernel, OS and, when `dataDirectory` is given, the
    /// filesystem type and device it lives on.
    public static func describe(dataDirectory: String?) -> [(String, String)] {
        var rows: [(String, String)] = [
            ("CPU", cpuModel(cpuinfo: readText("/proc/cpuinfo"))),
            ("cores", String(ProcessInfo.processInfo.activeProcessorCount)),
            ("memory", memoryTotal(meminfo: readText("/proc/meminfo"))),
            ("kernel", kernel()),
            ("OS", osName(osRelease: readText("/etc/os-release"))),
        ]
        if let dataDirectory {
            rows.append(("data directory", dataDirectory))
            rows.append(("filesystem", filesystem(of: dataDirectory, mounts: readText("/proc/self/mounts"))))
        }
        return rows
    }
}

// MARK: - Parsing, each a pure function of a file's text (nil when it could not be read)

extension MachineInfo {
    /// The first "model name" of /proc/cpuinfo: every core of a machine reports the same.
    static func cpuModel(cpuinfo: String?) -> String {
        guard let cpuinfo else { return "unknown" }
        for line in cpuinfo.split(separator: "\n") where line.hasPrefix("model name") {
            if let value = value(afterColonIn: line), !value.isEmpty { return value }
        }
        return "unknown"
    }

    /// MemTotal of /proc/meminfo in GiB, one decimal: "23.5 GiB".
    static func memoryTotal(meminfo: String?) -> String {
        guard let meminfo else { return "unknown" }
        for line in meminfo.split(separator: "\n") where line.hasPrefix("MemTotal:") {
            // The kernel always writes this line as "MemTotal:   <number> kB".
            guard let field = value(afterColonIn: line)?.split(separator: " ").first, let kibibytes = Double(field) else { break }
            return SummaryTable.decimal(kibibytes / 1_048_576, places: 1) + " GiB"
        }
        return "unknown"
    }

    /// PRETTY_NAME of /etc/os-release without its quotes: "Debian GNU/Linux 12 (bookworm)".
    static func osName(osRelease: String?) -> String {
        guard let osRelease else { return "unknown" }
        for line in osRelease.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
            let value = line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
            return value.isEmpty ? "unknown" : value
        }
        return "unknown"
    }

    /// "ext4 on /dev/vda (mounted at /)" for the mount that holds `path`.
    static func filesystem(of path: String, mounts: String?) -> String {
        guard let mounts, let mount = mount(containing: resolved(path), mounts: mounts) else { return "unknown" }
        return "\(mount.type) on \(mount.device) (mounted at \(mount.point))"
    }

    /// One line of /proc/self/mounts.
    struct Mount: Equatable {
        var device: String
        var point: String
        var type: String
    }

    /// The mount whose mount point is the longest prefix of `path`, on whole path components
    /// ("/work" holds "/work/data" but not "/workspace"). Of two mounts on the same point the
    /// later one hides the earlier, as the kernel lists them in mount order.
    static func mount(containing path: String, mounts: String) -> Mount? {
        var best: Mount?
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            let mount = Mount(device: unescaped(fields[0]), point: unescaped(fields[1]), type: String(fields[2]))
            guard holds(mount.point, path), mount.point.count >= (best?.point.count ?? 0) else { continue }
            best = mount
        }
        return best
    }

    private static func holds(_ point: String, _ path: String) -> Bool {
        point == "/" || path == point || path.hasPrefix(point.hasSuffix("/") ? point : point + "/")
    }

    /// The kernel writes a space, tab, newline or backslash in a mount's fields as three octal
    /// digits after a backslash ("\040").
    static func unescaped(_ field: Substring) -> String {
        var bytes: [UInt8] = []
        var rest = Array(field.utf8)[...]
        while let byte = rest.popFirst() {
            if byte == UInt8(ascii: "\\"), rest.count >= 3, let code = UInt8(String(decoding: rest.prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(code)
                rest = rest.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// An absolute path with symbolic links followed, so that a data directory reached through a
    /// link is matched against the mount it really lives on.
    private static func resolved(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    private static func value(afterColonIn line: Substring) -> String? {
        guard let colon = line.firstIndex(of: ":") else { return nil }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
}

// MARK: - Reading the system

extension MachineInfo {
    /// A file's text, at most `readLimitBytes` of it; nil when it cannot be opened or read.
    static func readText(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: readLimitBytes) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// "Linux 6.1.0-18-amd64 x86_64" from uname(2).
    static func kernel() -> String {
        var names = utsname()
        guard uname(&names) == 0 else { return "unknown" }
        return [text(names.sysname), text(names.release), text(names.machine)].filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// A fixed-size C character array of `utsname` as a String. Safe because the bytes are only
    /// read inside `withUnsafeBytes(of:)`, which spans exactly the array, and reading stops at
    /// the first NUL or at the array's end, whichever comes first.
    private static func text<Field>(_ field: Field) -> String {
        withUnsafeBytes(of: field) { bytes in String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
