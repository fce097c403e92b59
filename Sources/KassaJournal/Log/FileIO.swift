import Glibc

/// A failed system call on a journal file, with the call, the path and errno.
public struct FileError: Error, CustomStringConvertible, Sendable {
    /// What was being done ("fdatasync", "create segment", ...).
    public var operation: String
    /// The file or directory.
    public var path: String
    /// errno.
    public var code: Int32

    /// An error from the current errno.
    init(_ operation: String, _ path: String, code: Int32 = errno) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    /// Whether the disk or the file size limit is full: retrying once space returns may work.
    public var isOutOfSpace: Bool { code == ENOSPC || code == EFBIG || code == EDQUOT }

    public var description: String {
        "\(operation) \(path): \(String(cString: strerror(code))) (errno \(code))"
    }
}

/// Thin, retrying wrappers over the POSIX calls the journal uses.
enum FileIO {
    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(FileError) -> Int32 {
        while true {
            let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw FileError("open", path) }
        }
    }

    /// Writes all of `bytes` at `offset`.
    static func pwriteAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int, path: String) throws(FileError) {
        var done = 0
        while done < bytes.count {
            let n = Glibc.pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError("write", path)
            }
            if n == 0 { throw FileError("write", path, code: EIO) }
            done += n
        }
    }

    /// Reads up to `count` bytes at `offset` into `buffer`; fewer only at the end of the file.
    static func preadFully(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, count: Int, at offset: Int, path: String) throws(FileError) -> Int {
        var done = 0
        while done < count {
            let n = Glibc.pread(fd, buffer + done, count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError("read", path)
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    static func fdatasync(_ fd: Int32, path: String) throws(FileError) {
        while Glibc.fdatasync(fd) != 0 {
            if errno != EINTR { throw FileError("fdatasync", path) }
        }
    }

    static func fsync(_ fd: Int32, path: String) throws(FileError) {
        while Glibc.fsync(fd) != 0 {
            if errno != EINTR { throw FileError("fsync", path) }
        }
    }

    /// Reserves `length` bytes from 0 so later writes inside cannot fail for lack of space.
    static func preallocate(_ fd: Int32, length: Int, path: String) throws(FileError) {
        let status = posix_fallocate(fd, 0, off_t(length))
        if status != 0 { throw FileError("preallocate \(length) bytes for", path, code: status) }
    }

    static func truncate(_ fd: Int32, length: Int, path: String) throws(FileError) {
        while ftruncate(fd, off_t(length)) != 0 {
            if errno != EINTR { throw FileError("truncate", path) }
        }
    }

    /// Where the next bytes at or after `offset` that the file holds as data begin, or nil
    /// when there are none: everything from `offset` on is a hole or space reserved and never
    /// written (`preallocate`), which reads as zeros. A file system that cannot tell says
    /// `offset`: all data.
    static func nextData(_ fd: Int32, from offset: Int) -> Int? {
        // SEEK_DATA: Linux's value, which the Glibc module leaves out (it is a GNU extension).
        let seekData: Int32 = 3
        let found = lseek(fd, off_t(offset), seekData)
        if found >= 0 { return Int(found) }
        return errno == ENXIO ? nil : offset
    }

    /// Where the data that holds `offset` ends: the next hole or space reserved and not yet
    /// read or written at or after `offset`, or the end of the file. A file system that cannot
    /// tell says the end of the file: all data.
    static func dataEnd(_ fd: Int32, from offset: Int, size: Int) -> Int {
        // SEEK_HOLE: Linux's value, left out of the Glibc module like SEEK_DATA.
        let seekHole: Int32 = 4
        let found = lseek(fd, off_t(offset), seekHole)
        return found >= 0 ? min(Int(found), size) : size
    }

    static func size(_ fd: Int32, path: String) throws(FileError) -> Int {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileError("stat", path) }
        return Int(info.st_size)
    }

    /// Makes a directory's entries (created, renamed, removed files) durable.
    static func syncDirectory(_ path: String) throws(FileError) {
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try fsync(fd, path: path)
    }

    static func rename(_ from: String, _ to: String) throws(FileError) {
        guard Glibc.rename(from, to) == 0 else { throw FileError("rename to \(to)", from) }
    }

    static func unlink(_ path: String) throws(FileError) {
        guard Glibc.unlink(path) == 0 || errno == ENOENT else { throw FileError("remove", path) }
    }

    /// File names in `directory`.
    static func list(_ directory: String) throws(FileError) -> [String] {
        guard let dir = opendir(directory) else { throw FileError("list", directory) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Creates `path` and its parents if missing.
    static func makeDirectories(_ path: String) throws(FileError) {
        var built = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            built += "/" + part
            if mkdir(built, 0o755) != 0 && errno != EEXIST { throw FileError("create directory", built) }
        }
    }
}
