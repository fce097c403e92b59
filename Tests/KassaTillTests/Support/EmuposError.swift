import Foundation

/// Why the emupos harness could not do what a test asked, with what to do about it.
struct EmuposError: Error, CustomStringConvertible {
    /// What went wrong, for tests that check the kind of failure.
    enum Code: Sendable, Equatable {
        /// `scripts/emupos/install.sh` has not installed emupos where the harness looks.
        case notInstalled
        /// `emupos run` exited or did not answer in time; the message holds its output.
        case startFailed
        /// The control API answered with an unexpected status, or not at all.
        case controlRequestFailed
        /// Something the test waits for (a receipt, a delivered scan) did not happen in time.
        case timedOut
        /// The test asked for a device it did not configure, or for none at all.
        case deviceNotConfigured
    }

    let code: Code
    let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    var description: String { "emupos: \(message)" }
}
