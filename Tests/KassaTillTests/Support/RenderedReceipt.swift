/// One receipt emupos printed: everything between two job boundaries, as text and as a picture.
struct RenderedReceipt: Sendable, Equatable {
    /// emupos's receipt id, e.g. `printer-20261127T022211642Z-efcd1c1f`.
    let id: String
    /// The text dump: one line per printed line, decoded with the code page in effect, `\n` after
    /// each; bytes the code page does not map read U+FFFD; barcodes read `[barcode EAN-13 …]`,
    /// QR codes `[qr …]` and images `[image WxH]`.
    let text: String
    /// What ended the receipt.
    let boundary: Boundary
    /// The 1-bit PNG at the profile's dot width, while the harness's directory exists.
    let pngPath: String?

    /// What ends a receipt in emupos.
    enum Boundary: String, Sendable {
        /// `GS V`, `ESC i` or `ESC m`.
        case cut
        /// The TCP connection closed with content not yet cut.
        case connectionClosed = "connection-closed"
        /// No byte arrived for `jobIdleTimeoutMs` while content waited.
        case idleTimeout = "idle-timeout"
    }
}
