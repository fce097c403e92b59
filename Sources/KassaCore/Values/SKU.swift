/// A stock-keeping unit: a GTIN (EAN-8, UPC-A, EAN-13, GTIN-14) whose check digit is validated,
/// or any other short code a retailer uses, accepted as a plain SKU.
public struct SKU: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The code as printed under the barcode.
    public let code: String

    /// Which family the code belongs to.
    public enum Kind: Sendable, Equatable {
        /// 8-digit EAN.
        case ean8
        /// 12-digit UPC-A.
        case upcA
        /// 13-digit EAN (including weighed-goods codes with prefixes 20–29).
        case ean13
        /// 14-digit GTIN (cases and logistics units).
        case gtin14
        /// Anything else: an internal article number, a PLU.
        case plain
    }

    /// The family, decided by length when the code is all digits.
    public let kind: Kind

    /// The longest code accepted; longer text is not a SKU but a typing or scanning error.
    public static let lengthMax = 64

    /// Why a code is not a SKU.
    public enum Problem: Error, Sendable, Equatable {
        /// Empty or longer than `lengthMax`.
        case badLength(Int)
        /// Control characters, spaces or non-ASCII text.
        case badCharacter
        /// A GTIN-length digit string whose check digit is wrong (carries the expected digit).
        case badCheckDigit(kind: Kind, expected: Int)
    }

    /// Validates `code`: 8, 12, 13 and 14 digit codes must carry a correct GS1 check digit.
    public init(validating code: String) throws(Problem) {
        var text = code
        let result: Result<Kind, Problem> = text.withUTF8 { bytes in
            Result { () throws(Problem) in try SKU.classify(bytes) }
        }
        self.code = text
        self.kind = try result.get()
    }

    /// The kind of a code, its characters and GS1 check digit checked, over its UTF-8 bytes.
    static func classify(_ bytes: UnsafeBufferPointer<UInt8>) throws(Problem) -> Kind {
        guard !bytes.isEmpty, bytes.count <= SKU.lengthMax else { throw .badLength(bytes.count) }
        // One pass: characters checked and the GS1 weighted sum taken together (the sum means
        // nothing unless every byte is a digit). Weights 3, 1, 3, ... from the rightmost
        // payload digit, so a payload digit weighs 3 when its distance to the end is even.
        var allDigits = true
        var sum = 0
        let last = bytes.count - 1
        for index in 0..<last {
            let byte = bytes[index]
            guard byte > 0x20, byte < 0x7F else { throw .badCharacter }
            let digit = byte &- 0x30
            if digit > 9 { allDigits = false }
            sum &+= Int(digit) &* ((last - index) & 1 == 1 ? 3 : 1)
        }
        let check = bytes[last]
        guard check > 0x20, check < 0x7F else { throw .badCharacter }
        guard allDigits, check >= 0x30, check <= 0x39 else { return .plain }
        let kind: Kind
        switch bytes.count {
        case 8: kind = .ean8
        case 12: kind = .upcA
        case 13: kind = .ean13
        case 14: kind = .gtin14
        default: return .plain
        }
        let expected = (10 - sum % 10) % 10
        guard Int(check &- 0x30) == expected else { throw .badCheckDigit(kind: kind, expected: expected) }
        return kind
    }

    /// A SKU already validated elsewhere (decoding the journal, which checksums its records).
    public init(trusted code: String, kind: Kind) {
        self.code = code
        self.kind = kind
    }

    /// The GS1 mod-10 check digit for `payload` (all digits before the check digit):
    /// weights 3 and 1 alternate from the rightmost payload digit.
    public static func checkDigit<C: BidirectionalCollection>(payload: C) -> Int where C.Element == Int {
        var sum = 0
        var weight = 3
        for digit in payload.reversed() {
            sum += digit * weight
            weight = weight == 3 ? 1 : 3
        }
        return (10 - sum % 10) % 10
    }

    /// Orders by code.
    public static func < (lhs: SKU, rhs: SKU) -> Bool { lhs.code < rhs.code }

    /// The code.
    public var description: String { code }
}
