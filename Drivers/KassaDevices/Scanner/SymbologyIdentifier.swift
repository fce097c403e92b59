/// The AIM symbology identifier a scanner may put before the data: `]`, a code character naming
/// the symbology, and a modifier character (ISO/IEC 15424; the GS1 General Specifications list
/// the ones GS1 uses: `]E0` EAN-13/UPC, `]E4` EAN-8, `]C1` GS1-128, `]e0` GS1 DataBar, `]d2`
/// GS1 DataMatrix, `]Q3` GS1 QR, `]I1` ITF-14).
public struct SymbologyIdentifier: Hashable, Sendable, CustomStringConvertible {
    /// The code character: `E`, `C`, `d`, `Q`, `e`, `A`, `I`, ...
    public let codeCharacter: UInt8
    /// The modifier character: `0`–`9` or `A`–`Z`, meaning depends on the code character.
    public let modifier: UInt8

    /// The identifier from its code character and modifier.
    public init(codeCharacter: UInt8, modifier: UInt8) {
        self.codeCharacter = codeCharacter
        self.modifier = modifier
    }

    /// The flag character that starts every AIM identifier.
    public static let flag: UInt8 = 0x5D // "]"
    /// An identifier always takes three bytes (the system-expansion code `Y` is not supported).
    public static let length = 3

    /// The identifier at the start of `bytes`, or nil when the data does not start with one.
    public init?(prefixOf bytes: some Collection<UInt8>) {
        var iterator = bytes.makeIterator()
        guard iterator.next() == Self.flag, let code = iterator.next(), let modifier = iterator.next() else { return nil }
        // The code character is a letter; the modifier a digit or capital letter. Anything else is
        // data that happens to start with "]".
        let isLetter = (code >= 0x41 && code <= 0x5A) || (code >= 0x61 && code <= 0x7A)
        let isModifier = (modifier >= 0x30 && modifier <= 0x39) || (modifier >= 0x41 && modifier <= 0x5A)
        guard isLetter, isModifier else { return nil }
        self.init(codeCharacter: code, modifier: modifier)
    }

    /// The symbology the identifier names.
    public var symbology: Symbology {
        switch (codeCharacter, modifier) {
        case (UInt8(ascii: "E"), UInt8(ascii: "4")): .ean8
        case (UInt8(ascii: "E"), _): .ean13
        case (UInt8(ascii: "C"), UInt8(ascii: "1")): .gs1128
        case (UInt8(ascii: "C"), _): .code128
        case (UInt8(ascii: "d"), UInt8(ascii: "2")), (UInt8(ascii: "d"), UInt8(ascii: "5")): .gs1DataMatrix
        case (UInt8(ascii: "d"), _): .dataMatrix
        case (UInt8(ascii: "Q"), UInt8(ascii: "3")), (UInt8(ascii: "Q"), UInt8(ascii: "4")): .gs1QR
        case (UInt8(ascii: "Q"), _): .qr
        case (UInt8(ascii: "e"), _): .gs1DataBar
        case (UInt8(ascii: "A"), _): .code39
        case (UInt8(ascii: "I"), _): .itf
        default: .unknown
        }
    }

    /// True when the data that follows is a GS1 element string (FNC1 in the first position, or a
    /// symbology that only carries GS1 data).
    public var isGS1: Bool {
        switch symbology {
        case .gs1128, .gs1DataMatrix, .gs1QR, .gs1DataBar: true
        case .ean13, .ean8, .upcA, .upcE, .code128, .dataMatrix, .qr, .code39, .itf, .unknown: false
        }
    }

    /// The three characters, `]E0`.
    public var description: String {
        String(decoding: [Self.flag, codeCharacter, modifier], as: UTF8.self)
    }
}
