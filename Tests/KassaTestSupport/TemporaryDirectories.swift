import Foundation
import Synchronization

/// Paths in the temporary directory for tests' data directories, removed when the test process
/// exits.
///
/// Servers' and journals' directories hold segments preallocated to tens of megabytes; left
/// behind, runs of a plain `swift test` filled the disk (`make test` gives each run a temporary
/// directory of its own and removes it). Not removed when a test is done with one: tests start
/// servers and journals again on a stopped one's directory, and the object that made it may be
/// released right after its last use, before the next one starts.
public enum TemporaryDirectories {
    private static let made = Mutex<[String]>([])
    private static let removal: Void = { atexit { TemporaryDirectories.removeAll() } }()

    /// A new path in the temporary directory, named `prefix` and a UUID, removed at exit.
    /// Nothing is created there.
    public static func fresh(_ prefix: String) -> String {
        _ = removal
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
        made.withLock { $0.append(path) }
        return path
    }

    private static func removeAll() {
        for path in made.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
    }
}
