@testable import KassaDevices

/// Small helpers the scanner tests share.
enum ScannerFixtures {
    /// ASCII GS, the FNC1 separator.
    static let gs = "\u{1D}"

    /// The frames among `events`, as text.
    static func frames(_ events: [ScanFramerEvent]) -> [String] {
        events.compactMap { event in
            if case .frame(let bytes) = event { return String(decoding: bytes, as: UTF8.self) }
            return nil
        }
    }

    /// The errors among `events`.
    static func drops(_ events: [ScanFramerEvent]) -> [ScanError] {
        events.compactMap { event in
            if case .dropped(let error) = event { return error }
            return nil
        }
    }

    /// A framer of `suffix`, the framing known to be valid.
    static func framer(_ suffix: ScanFraming.Suffix, prefix: String = "", timeoutMs: UInt64? = nil, lengthMax: Int = 4096) -> ScanFramer {
        // swiftlint:disable:next force_try
        ScanFramer(framing: try! ScanFraming(suffix: suffix, prefix: Array(prefix.utf8), interByteTimeoutMs: timeoutMs,
                                             frameLengthMax: lengthMax))
    }

    /// The bytes of `text`.
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
}
