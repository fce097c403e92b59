/// A printer fault emupos can inject (`PUT/DELETE /api/v1/devices/{id}/faults/{fault}`).
///
/// Paper out, cover open and offline stop printing: emupos holds print data and every
/// non-real-time command (`ESC p` included) until the last of them clears, then processes it.
/// Paper near end only changes the status replies. See docs/emupos.md, "Faults".
enum EmuposFault: String, Sendable, CaseIterable {
    /// The roll is running low; printing goes on.
    case paperNearEnd = "paper-near-end"
    /// No paper: printing stops.
    case paperOut = "paper-out"
    /// The cover is open: printing stops.
    case coverOpen = "cover-open"
    /// The printer is off-line: printing stops.
    case offline
}
