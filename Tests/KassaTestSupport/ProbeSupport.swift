import Foundation
import KassaJournal

/// Storage options for the crash and fault tests: small segments (so they roll and are removed
/// often), a receipt window that never forgets, and a fast projector. The probe child and the
/// tests that open its data directory must agree on them.
public func probeStorageOptions(snapshotInterval: Duration) -> Storage.Options {
    var options = Storage.Options()
    options.journal = JournalWriter.Options(segmentBytes: 256 << 10, recordBytesMax: 16 << 10)
    options.limits.receiptIndexMax = 10_000_000
    options.limits.receiptWindowDays = 3650
    options.projection.pollInterval = .milliseconds(20)
    options.projection.snapshotInterval = snapshotInterval
    return options
}

/// Compiles Tests/Shims/failsync.c with gcc (installed by `make test`) into a temporary shared
/// library: under LD_PRELOAD, fdatasync fails with EIO after KASSA_FAIL_FDATASYNC_AFTER calls.
public func buildFailingSyncShim() throws -> String {
    let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Shims/failsync.c").path
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-failsync-\(UUID().uuidString).so").path
    let gcc = Process()
    gcc.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    gcc.arguments = ["gcc", "-shared", "-fPIC", "-O2", "-o", output, source, "-ldl"]
    try gcc.run()
    gcc.waitUntilExit()
    guard gcc.terminationStatus == 0 else { throw FixtureError.unexpected("gcc could not build \(source)") }
    return output
}

/// The path of an executable of this package, built next to the test bundle (`kassa`).
public func builtExecutable(_ name: String) -> String {
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent(name).path
}
