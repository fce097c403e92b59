/// Builds the bytes of one ESC/POS job: a receipt, a drawer kick, a status request.
///
/// A value you append commands to and then take the bytes of with `finished()`. Commands are
/// those Epson TM printers (and emupos, which follows Epson's "ESC/POS Command Reference")
/// understand. Every parameter is checked against what the printer accepts, and every job
/// against a size limit, so a bad product name or an enormous QR payload is refused here with
/// a message rather than printed as garbage.
public struct EscPosEncoder: Sendable {
    /// Upper bounds on what one job may hold.
    public struct Limits: Sendable, Hashable {
        /// Bytes in one job; a long receipt is about 4 KiB, so this only stops runaways.
        public var jobBytesMax: Int
        /// Bytes of data in one QR code (never more than the symbol can hold, see `QRErrorCorrection`).
        public var qrDataBytesMax: Int
        /// Characters in one call to `text(_:)`.
        public var textCharactersMax: Int

        /// Limits with the defaults.
        public init(jobBytesMax: Int = 65_536, qrDataBytesMax: Int = 1_024, textCharactersMax: Int = 4_096) {
            self.jobBytesMax = jobBytesMax
            self.qrDataBytesMax = qrDataBytesMax
            self.textCharactersMax = textCharactersMax
        }
    }

    /// Horizontal alignment of the lines that follow (`ESC a`).
    public enum Alignment: UInt8, Sendable, CaseIterable {
        case left = 0, center = 1, right = 2
    }

    /// Underline thickness (`ESC -`).
    public enum Underline: UInt8, Sendable, CaseIterable {
        case none = 0, thin = 1, thick = 2
    }

    /// The bytes so far.
    public internal(set) var bytes: [UInt8] = []
    /// The code page text is encoded in; `selectCodePage` changes it together with the printer's.
    public private(set) var codePage: CodePage
    /// The limits this encoder enforces.
    public let limits: Limits

    /// An empty job whose text is encoded in `codePage` (select it on the printer too).
    public init(codePage: CodePage, limits: Limits = Limits()) {
        self.codePage = codePage
        self.limits = limits
    }

    /// The job's bytes, or an error when the job grew past `jobBytesMax`.
    public func finished() throws(EscPosError) -> [UInt8] {
        guard bytes.count <= limits.jobBytesMax else {
            throw EscPosError(.tooLong, "the print job is \(bytes.count) bytes, more than the limit of \(limits.jobBytesMax)")
        }
        return bytes
    }

    // MARK: Printer settings

    /// `ESC @`: back to power-on settings; also drops a half-built line left in the printer.
    public mutating func initialize() { bytes += [0x1B, 0x40] }

    /// `ESC t n`: select the character table `page` under the printer's number `tableNumber`;
    /// text from here on is encoded in `page`.
    public mutating func selectCodePage(_ page: CodePage, tableNumber: UInt8) {
        codePage = page
        bytes += [0x1B, 0x74, tableNumber]
    }

    /// `ESC E n`: bold (Epson's "emphasized") on or off.
    public mutating func bold(_ on: Bool) { bytes += [0x1B, 0x45, on ? 1 : 0] }

    /// `ESC - n`: underline.
    public mutating func underline(_ underline: Underline) { bytes += [0x1B, 0x2D, underline.rawValue] }

    /// `GS ! n`: character width and height as multiples of the normal size, 1 to 8 each.
    public mutating func characterSize(width: Int, height: Int) throws(EscPosError) {
        guard (1...8).contains(width), (1...8).contains(height) else {
            throw EscPosError(.outOfRange, "character size \(width)x\(height) is outside 1...8 in each direction")
        }
        bytes += [0x1D, 0x21, UInt8((width - 1) << 4 | (height - 1))]
    }

    /// `ESC a n`: alignment; the printer applies it only at the start of a line.
    public mutating func align(_ alignment: Alignment) { bytes += [0x1B, 0x61, alignment.rawValue] }

    // MARK: Text and paper feed

    /// `text` in the current code page, one byte per character; control characters become `?`
    /// so text can never smuggle in a command.
    public mutating func text(_ text: String) throws(EscPosError) {
        let count = text.count
        guard count <= limits.textCharactersMax else {
            throw EscPosError(.tooLong, "a text of \(count) characters is longer than the limit of \(limits.textCharactersMax)")
        }
        let encoded = codePage.encode(text)
        assert(encoded.count == count, "one byte per character keeps the columns of a receipt")
        bytes += encoded
    }

    /// `LF`: print the line and move to the next.
    public mutating func lineFeed() { bytes.append(0x0A) }

    /// `text` and a line feed.
    public mutating func line(_ text: String) throws(EscPosError) {
        try self.text(text)
        lineFeed()
    }

    /// `ESC d n`: print the line and feed `lines` more, 0 to 255.
    public mutating func feed(lines: Int) throws(EscPosError) {
        guard (0...255).contains(lines) else { throw EscPosError(.outOfRange, "feeding \(lines) lines is outside 0...255") }
        bytes += [0x1B, 0x64, UInt8(lines)]
    }

    // MARK: Paper cut, drawer and status

    /// How the cutter cuts.
    public enum Cut: String, Sendable, CaseIterable {
        /// Through the paper.
        case full
        /// Leaving a tab in the middle, so the receipt hangs until torn off.
        case partial
    }

    /// `GS V 65/66 n`: feed `feedLines` lines (so the last line clears the cutter) and cut; with
    /// no feed, `GS V 0/1`. emupos, like a printer, ends the receipt at the cut.
    public mutating func cut(_ cut: Cut, feedLines: Int = 0) throws(EscPosError) {
        guard (0...255).contains(feedLines) else { throw EscPosError(.outOfRange, "feeding \(feedLines) lines before the cut is outside 0...255") }
        if feedLines == 0 {
            bytes += [0x1D, 0x56, cut == .full ? 0 : 1]
        } else {
            bytes += [0x1D, 0x56, cut == .full ? 65 : 66, UInt8(feedLines)]
        }
    }

    /// Which pin of the drawer kick-out connector drives the drawer.
    public enum DrawerPin: UInt8, Sendable, CaseIterable {
        /// Pin 2: the first (or only) drawer.
        case pin2 = 0
        /// Pin 5: the second drawer.
        case pin5 = 1
    }

    /// `ESC p m t1 t2`: a pulse that opens the cash drawer, on for `onMs` and off for `offMs`,
    /// in the printer's 2 ms steps (2 to 510 ms each). The printer makes the off time at least
    /// the on time.
    public mutating func drawerKick(pin: DrawerPin = .pin2, onMs: Int = 100, offMs: Int = 500) throws(EscPosError) {
        guard (2...510).contains(onMs), (2...510).contains(offMs) else {
            throw EscPosError(.outOfRange, "a drawer pulse of \(onMs) ms on and \(offMs) ms off is outside 2...510 ms")
        }
        bytes += [0x1B, 0x70, pin.rawValue, UInt8(onMs / 2), UInt8(offMs / 2)]
    }

    /// `DLE EOT n`: the real-time status request, which the printer answers at once with one
    /// byte even while it is offline or holding a job (see `PrinterStatusAnswer`).
    public static func statusRequest(_ request: PrinterStatusRequest) -> [UInt8] {
        [0x10, 0x04, request.rawValue]
    }
}
