/// How a scanner on a serial line (or a keyboard-less USB serial emulation) marks where one scan
/// ends and the next begins. Read from the lane's scanner settings in `config/devices.yaml`.
///
/// - `suffix`: `cr`, `lf`, `crlf` or `none`, what the scanner sends after each scan. With `crlf`
///   a bare LF also ends a scan (the CR before it is dropped), so a scanner set to LF still works.
/// - `prefix`: bytes the scanner is set to send before each scan (an STX, a store code); removed
///   when a scan starts with them, kept otherwise.
/// - `interByteTimeoutMs`: with `none`, a scan ends when no byte came for this long; with a
///   suffix, a scan still waiting for its suffix after this long is dropped as incomplete (a
///   scanner unplugged mid-scan), so its bytes do not glue onto the next scan. Nil with a suffix
///   means wait for the suffix however long it takes.
/// - `frameLengthMax`: the most bytes one scan may hold before its suffix (4096 by default, more
///   than any DataMatrix a shop meets); longer runs are line noise or a wrong baud rate and are
///   dropped up to the next suffix or pause.
public struct ScanFraming: Hashable, Sendable {
    /// What ends a scan.
    public enum Suffix: String, Hashable, Sendable, CaseIterable {
        /// Carriage return, 0x0D.
        case cr
        /// Line feed, 0x0A.
        case lf
        /// CR LF; a bare LF is accepted too.
        case crlf
        /// Nothing: a pause of `interByteTimeoutMs` ends the scan.
        case none
    }

    /// What ends a scan.
    public let suffix: Suffix
    /// Bytes removed from the start of a scan when present.
    public let prefix: [UInt8]
    /// The pause that ends a scan (`none`) or drops an incomplete one (with a suffix).
    public let interByteTimeoutMs: UInt64?
    /// The most bytes one scan may hold.
    public let frameLengthMax: Int

    /// The default cap on one scan's length.
    public static let frameLengthMaxDefault = 4096
    /// The largest cap a configuration may set.
    public static let frameLengthLimit = 65_536
    /// The longest prefix a configuration may set.
    public static let prefixLengthMax = 16

    /// Framing by `suffix`; throws `badConfiguration` when `none` has no timeout, the cap is out of
    /// 1...65536, or the prefix is longer than 16 bytes or holds the suffix.
    public init(suffix: Suffix, prefix: [UInt8] = [], interByteTimeoutMs: UInt64? = nil,
                frameLengthMax: Int = ScanFraming.frameLengthMaxDefault) throws(ScanError) {
        if suffix == .none, (interByteTimeoutMs ?? 0) == 0 {
            throw ScanError(.badConfiguration, "scanner suffix 'none' needs an inter-byte timeout above 0 ms to tell scans apart")
        }
        guard (1...Self.frameLengthLimit).contains(frameLengthMax) else {
            throw ScanError(.badConfiguration, "scanner frame length limit \(frameLengthMax) is outside 1...\(Self.frameLengthLimit)")
        }
        guard prefix.count <= Self.prefixLengthMax else {
            throw ScanError(.badConfiguration, "scanner prefix of \(prefix.count) bytes is longer than \(Self.prefixLengthMax)")
        }
        if let terminator = suffix.terminator, prefix.contains(terminator) {
            throw ScanError(.badConfiguration, "scanner prefix holds the suffix byte 0x\(String(terminator, radix: 16))")
        }
        self.suffix = suffix
        self.prefix = prefix
        self.interByteTimeoutMs = interByteTimeoutMs == 0 ? nil : interByteTimeoutMs
        self.frameLengthMax = frameLengthMax
    }
}

extension ScanFraming.Suffix {
    /// The byte that ends a scan (LF for `crlf`, whose CR is dropped after), nil for `none`.
    var terminator: UInt8? {
        switch self {
        case .cr: 0x0D
        case .lf, .crlf: 0x0A
        case .none: nil
        }
    }
}
