import Foundation

/// Where an export goes: a file written atomically (a temporary file beside it, synced, then
/// renamed over the target, the directory synced), or standard output. A failed export leaves
/// no partial file behind and an earlier file of the same name as it was.
public final class ExportFile {
    private let target: String?
    private let temporary: String?
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private static let bufferBytesMax = 1 << 20

    /// Opens `path` for writing (nil: standard output).
    public init(path: String?) throws {
        target = path
        guard let path else {
            temporary = nil
            handle = FileHandle.standardOutput
            return
        }
        let temporary = path + ".partial-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
            throw ExportError("cannot create \(temporary): \(String(cString: strerror(errno)))")
        }
        self.temporary = temporary
        guard let handle = FileHandle(forWritingAtPath: temporary) else {
            throw ExportError("cannot open \(temporary) for writing")
        }
        self.handle = handle
    }

    /// Appends text.
    public func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.bufferBytesMax { try flush() }
    }

    /// Appends bytes as they are (a piece of a download may end inside a character).
    public func write(bytes: Data) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.bufferBytesMax { try flush() }
    }

    /// Makes the file complete and durable under its name.
    public func commit() throws {
        try flush()
        guard let target, let temporary else { return }
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            throw ExportError("cannot sync \(temporary): \(error)")
        }
        guard rename(temporary, target) == 0 else {
            throw ExportError("cannot rename \(temporary) to \(target): \(String(cString: strerror(errno)))")
        }
        let directory = (target as NSString).deletingLastPathComponent
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }

    /// Drops an export that failed: the temporary file goes, the target stays as it was.
    public func abandon() {
        guard let temporary else { return }
        try? handle.close()
        unlink(temporary)
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw ExportError("cannot write \(temporary ?? "standard output"): \(error)")
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// An export that could not be written; the message names the file and the cause.
public struct ExportError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A progress line on standard error: a bar redrawn in place on a terminal, a plain line every
/// few seconds otherwise, never more than five times a second.
public final class ExportProgress {
    private let label: String
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var lastDrawn = ContinuousClock.now - .seconds(60)
    private var drewBar = false

    public init(label: String) { self.label = label }

    /// Reports `done` of `total` (units in `unit`).
    public func update(done: UInt64, total: UInt64, unit: String) {
        let now = ContinuousClock.now
        guard now - lastDrawn >= (isTerminal ? .milliseconds(200) : .seconds(5)) else { return }
        lastDrawn = now
        let share = total == 0 ? 1 : min(1, Double(done) / Double(total))
        if isTerminal {
            let filled = Int(share * 30)
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled)
            FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(Int(share * 100)) % \(done) \(unit)".utf8))
            drewBar = true
        } else {
            FileHandle.standardError.write(Data("\(label): \(Int(share * 100)) % (\(done) \(unit))\n".utf8))
        }
    }

    /// Ends the bar with a summary line.
    public func finish(_ summary: String) {
        FileHandle.standardError.write(Data(((drewBar ? "\r\u{1B}[K" : "") + summary + "\n").utf8))
    }
}
