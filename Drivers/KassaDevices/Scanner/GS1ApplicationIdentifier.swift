/// A GS1 application identifier (AI) and the rules for its value, from the GS1 General
/// Specifications (section 3, "GS1 Application Identifier definitions", and figure 7.8.5-2,
/// "Element strings with predefined length using GS1 Application Identifiers").
///
/// Only the AIs a shop meets are known: identification (00–03, 10, 21, 22, 235, 240–255),
/// dates (11–17), counts and measures (30, 31nn–36nn, 37), amounts and prices (390n–395n),
/// locations and origin (400–427), 7001, 7003, 710–716, 8005, 8008, 8020, 8200 and the
/// company-internal 90–99, which the Russian product marking (Chestny ZNAK) uses for its
/// verification key (91, 4 characters), verification code (92, 44 or 88 characters) and
/// short crypto tail (93, 4 characters). Anything else is refused as unknown, so a misread
/// never turns into a made-up element.
public struct GS1ApplicationIdentifier: Hashable, Sendable, CustomStringConvertible {
    /// Which characters a value may hold.
    public enum Characters: Hashable, Sendable {
        /// ASCII digits only (GS1 format `N`).
        case digits
        /// The GS1 AI encodable character set 82 (format `X`): `!"%&'()*+,-./0-9:;<=>?A-Z_a-z`.
        case cset82
    }

    /// The AI's number (`21` for "21", `3103` for "3103", `1` for "01").
    public let code: Int
    /// How many digits the AI itself takes (2, 3 or 4; "01" is two).
    public let digitCount: Int
    /// The characters its value may hold.
    public let characters: Characters
    /// The shortest value allowed.
    public let lengthMin: Int
    /// The longest value allowed.
    public let lengthMax: Int
    /// True when the AI is in the GS1 table of predefined lengths, so no FNC1 (GS) follows it
    /// even when more elements come after it.
    public let isPredefinedLength: Bool
    /// True when the value's last digit is a GS1 mod-10 check digit (GTIN, SSCC, GLN, GSIN).
    public let hasCheckDigit: Bool
    /// True when the value is a date YYMMDD.
    public let isDate: Bool
    /// For measures and amounts, the number of decimal places, which is the AI's last digit.
    public let decimalPlaces: Int?
    /// For amounts with a currency (391n, 393n), the value starts with the 3-digit ISO 4217 code.
    public let hasCurrency: Bool

    /// The AI as it is written between parentheses: "01", "3103".
    public var description: String {
        let digits = String(code)
        return String(repeating: "0", count: max(0, digitCount - digits.count)) + digits
    }

    /// The AI numbered `code` and written with `digitCount` digits, or nil when it is not known.
    public static func known(code: Int, digitCount: Int) -> GS1ApplicationIdentifier? {
        switch digitCount {
        case 2: twoDigit(code)
        case 3: threeDigit(code)
        case 4: fourDigit(code)
        default: nil
        }
    }

    /// How many digits an AI starting with the two digits `prefix` (0–99) has, or nil when no
    /// known AI starts so. GS1 fixes an AI's length by its first two digits.
    public static func digitCount(prefix: Int) -> Int? {
        switch prefix {
        case 0...3, 10...22, 30, 37, 90...99: 2
        case 23...25, 40...42, 71: 3
        case 31...36, 39, 70, 80...82: 4
        default: nil
        }
    }

    /// The longest value any known AI allows (the 8200 product URL).
    public static let valueLengthMax = 90

    private init(_ code: Int, _ digitCount: Int, _ characters: Characters, _ min: Int, _ max: Int,
                 check: Bool = false, date: Bool = false, decimals: Int? = nil, currency: Bool = false) {
        self.code = code
        self.digitCount = digitCount
        self.characters = characters
        self.lengthMin = min
        self.lengthMax = max
        self.hasCheckDigit = check
        self.isDate = date
        self.decimalPlaces = decimals
        self.hasCurrency = currency
        // Figure 7.8.5-2: the element strings whose AI starts with these two digits never take
        // a separator.
        let prefix = digitCount == 2 ? code : digitCount == 3 ? code / 10 : code / 100
        switch prefix {
        case 0...4, 11...20, 31...36, 41: self.isPredefinedLength = true
        default: self.isPredefinedLength = false
        }
    }

    private static func twoDigit(_ code: Int) -> GS1ApplicationIdentifier? {
        switch code {
        case 0: .init(code, 2, .digits, 18, 18, check: true)
        case 1...3: .init(code, 2, .digits, 14, 14, check: true)
        case 11...13, 15...17: .init(code, 2, .digits, 6, 6, date: true)
        case 20: .init(code, 2, .digits, 2, 2)
        case 10, 21, 22: .init(code, 2, .cset82, 1, 20)
        case 30, 37: .init(code, 2, .digits, 1, 8)
        case 90: .init(code, 2, .cset82, 1, 30)
        case 91...99: .init(code, 2, .cset82, 1, 90)
        default: nil
        }
    }

    private static func threeDigit(_ code: Int) -> GS1ApplicationIdentifier? {
        switch code {
        case 235: .init(code, 3, .cset82, 1, 28)
        case 240, 241, 250, 251, 400, 401, 403: .init(code, 3, .cset82, 1, 30)
        case 242: .init(code, 3, .digits, 1, 6)
        case 243, 254, 420: .init(code, 3, .cset82, 1, 20)
        case 253: .init(code, 3, .cset82, 13, 30)
        case 255: .init(code, 3, .digits, 13, 25)
        case 402: .init(code, 3, .digits, 17, 17, check: true)
        case 410...417: .init(code, 3, .digits, 13, 13, check: true)
        case 421: .init(code, 3, .cset82, 3, 12)
        case 422, 424, 426: .init(code, 3, .digits, 3, 3)
        case 423, 425: .init(code, 3, .digits, 3, 15)
        case 427: .init(code, 3, .cset82, 1, 3)
        case 710...716: .init(code, 3, .cset82, 1, 20)
        default: nil
        }
    }

    private static func fourDigit(_ code: Int) -> GS1ApplicationIdentifier? {
        let decimals = code % 10
        switch code {
        // Measures: weight, length, area, volume in metric and imperial units, n decimals.
        case 3100...3699 where decimals <= 5: return .init(code, 4, .digits, 6, 6, decimals: decimals)
        case 3900...3909, 3920...3929: return .init(code, 4, .digits, 1, 15, decimals: decimals)
        case 3910...3919, 3930...3939: return .init(code, 4, .digits, 4, 18, decimals: decimals, currency: true)
        case 3940...3943: return .init(code, 4, .digits, 4, 4, decimals: decimals)
        case 3950...3955: return .init(code, 4, .digits, 6, 6, decimals: decimals)
        case 7001: return .init(code, 4, .digits, 13, 13)
        case 7003: return .init(code, 4, .digits, 10, 10)
        case 8005: return .init(code, 4, .digits, 6, 6)
        case 8008: return .init(code, 4, .digits, 8, 12)
        case 8020: return .init(code, 4, .cset82, 1, 25)
        case 8200: return .init(code, 4, .cset82, 1, 70)
        default: return nil
        }
    }

    /// True for a character of GS1's AI encodable character set 82.
    @inline(__always)
    static func isCSet82(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x21, 0x22, 0x25...0x3F, 0x41...0x5A, 0x5F, 0x61...0x7A: true
        default: false
        }
    }
}
