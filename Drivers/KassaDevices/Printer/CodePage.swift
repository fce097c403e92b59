/// A printer's single-byte character table for Cyrillic text: what bytes 0x80–0xFF mean.
///
/// Text goes to the printer one byte per `Character`, so a string of n characters takes n
/// columns on paper, which the receipt layout relies on. ASCII letters, digits and punctuation
/// pass through; quotes, dashes and special spaces the table lacks become their ASCII
/// lookalikes; control characters (which the printer would take for commands) and other
/// characters the table lacks become `?`.
public enum CodePage: String, Hashable, Sendable, CaseIterable {
    /// IBM PC 866 ("Cyrillic #2" in Epson's tables): Cyrillic, box drawing and shading.
    case cp866 = "PC866"
    /// Windows-1251 (Epson's "WPC1251"): Cyrillic and typographic punctuation.
    case wpc1251 = "WPC1251"

    /// The byte printed for a character that the table cannot show.
    public static let replacement: UInt8 = 0x3F  // "?"

    /// The number `ESC t n` selects this table with on Epson TM printers (and emupos's Epson
    /// profile): 17 for PC866, 46 for WPC1251. Other makers number their tables differently,
    /// so a printer profile may override it.
    public var epsonTableNumber: UInt8 {
        switch self {
        case .cp866: 17
        case .wpc1251: 46
        }
    }

    /// `text` in this table, one byte per character.
    public func encode(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for character in text { bytes.append(encode(character)) }
        return bytes
    }

    /// The byte for one character, or `?`.
    public func encode(_ character: Character) -> UInt8 {
        let scalars = character.unicodeScalars
        var iterator = scalars.makeIterator()
        guard let first = iterator.next() else { return Self.replacement }
        let scalar: Unicode.Scalar
        if let second = iterator.next() {
            // Decomposed ё and й arrive as a letter and a combining mark; anything longer has
            // no single byte.
            guard iterator.next() == nil, let composed = Self.composedCyrillic(first, second) else { return Self.replacement }
            scalar = composed
        } else {
            scalar = first
        }
        if scalar.value >= 0x20 && scalar.value < 0x7F { return UInt8(scalar.value) }
        return reverseTable[scalar.value] ?? Self.asciiLookalike(scalar) ?? Self.replacement
    }

    /// Typographic punctuation that store and product names use, for a table without it (PC866
    /// has no guillemets or dashes): the ASCII character that reads the same.
    private static func asciiLookalike(_ scalar: Unicode.Scalar) -> UInt8? {
        switch scalar.value {
        case 0x00AB, 0x00BB, 0x201C, 0x201D, 0x201E: 0x22  // « » “ ” „
        case 0x2018, 0x2019, 0x201A: 0x27  // ‘ ’ ‚
        case 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2212: 0x2D  // hyphens, dashes, minus
        case 0x00A0, 0x202F, 0x2007, 0x2009: 0x20  // no-break and thin spaces
        default: nil
        }
    }

    /// The character a byte stands for in this table, or nil for control bytes and bytes the
    /// table leaves undefined.
    public func character(for byte: UInt8) -> Character? {
        if byte >= 0x20 && byte < 0x7F { return Character(Unicode.Scalar(byte)) }
        guard byte >= 0x80 else { return nil }
        let value = highHalf[Int(byte) - 0x80]
        guard value != 0, let scalar = Unicode.Scalar(UInt32(value)) else { return nil }
        return Character(scalar)
    }

    /// `bytes` read back as text, with `?` for bytes that are no character (for tests and
    /// for logs of what a device was sent).
    public func decode(_ bytes: [UInt8]) -> String {
        var text = ""
        for byte in bytes { text.append(character(for: byte) ?? "?") }
        return text
    }

    private var highHalf: [UInt16] {
        switch self {
        case .cp866: CodePageTables.cp866
        case .wpc1251: CodePageTables.wpc1251
        }
    }

    private var reverseTable: [UInt32: UInt8] {
        switch self {
        case .cp866: CodePageTables.cp866Reverse
        case .wpc1251: CodePageTables.wpc1251Reverse
        }
    }

    private static func composedCyrillic(_ base: Unicode.Scalar, _ mark: Unicode.Scalar) -> Unicode.Scalar? {
        switch (base.value, mark.value) {
        case (0x0415, 0x0308): "\u{0401}"  // Ё
        case (0x0435, 0x0308): "\u{0451}"  // ё
        case (0x0418, 0x0306): "\u{0419}"  // Й
        case (0x0438, 0x0306): "\u{0439}"  // й
        default: nil
        }
    }
}
