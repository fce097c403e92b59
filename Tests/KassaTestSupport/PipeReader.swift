import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads what a child process writes to a pipe, to the end, on a thread of its own, and hands
/// each chunk to `onData`, then an empty chunk at the end.
///
/// The tests used `FileHandle.readabilityHandler`, which on Linux runs on libdispatch and now
/// and then crashes the test process when several children's pipes are read at once
/// (swift-corelibs-foundation issue 3276; seen here once as a segfault in libdispatch while a
/// test waited for `kassa wal verify`). A blocking `read` on a plain thread has no such race.
public enum PipeReader {
    /// Starts reading `pipe`'s read end; call it before or after the process starts.
    public static func start(_ pipe: Pipe, onData: @escaping @Sendable (Data) -> Void) {
        let handle = pipe.fileHandleForReading
        let thread = Thread {
            // The handle is held by this closure, so its descriptor stays open while it is read.
            let descriptor = handle.fileDescriptor
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count > 0 {
                    onData(Data(buffer[0..<count]))
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            onData(Data())
        }
        thread.name = "pipe reader"
        thread.start()
    }
}
