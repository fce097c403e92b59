import Foundation
import Glibc

/// An exclusive lock on a data directory (`DATA/kassa.lock`, `flock`), so two processes never
/// write the same journal. The kernel drops it when the process dies, however it dies.
public final class DataDirectoryLock: @unchecked Sendable {
    private var fd: Int32
    /// The lock file.
    public let path: String

    /// Takes the lock or throws, naming the process that holds it.
    public init(directory: String) throws {
        path = directory + "/kassa.lock"
        fd = try FileIO.open(path, O_RDWR | O_CREAT, mode: 0o644)
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            var holder = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &holder, holder.count, 0)
            close(fd)
            let pid = n > 0 ? String(decoding: holder[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            if code == EWOULDBLOCK {
                throw DataDirectoryBusy(description: "the data directory \(directory) is in use by another Kassa process (pid \(pid)); stop it first or use another --data")
            }
            throw FileError("lock", path, code: code)
        }
        _ = ftruncate(fd, 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    /// Lets go of the directory; safe to call more than once.
    public func release() {
        if fd >= 0 { close(fd) }
        fd = -1
    }

    deinit { release() }
}

/// Another process holds the data directory.
public struct DataDirectoryBusy: Error, CustomStringConvertible, Sendable {
    public var description: String
}
