import KassaCore

/// The GS1 retail codes (EAN-8, UPC-E, UPC-A, EAN-13, GTIN-14): their check digits, UPC-E's
/// expansion to UPC-A, and the one form the catalog keeps them in.
///
/// The catalog form is the shortest GS1 form of the number that still tells it apart: EAN-8
/// stays 8 digits (a GTIN-14 of six zeros and a GTIN-8 shrinks to it); UPC-A, UPC-E and
/// GTIN-14 with indicator digit 0 become their 13-digit EAN-13 form (a zero before the UPC-A,
/// which is what scanners send under `]E0`); a GTIN-14 with another indicator (a case, an outer)
/// keeps 14 digits. So the same product scanned from an EAN-13, from the AI 01 of its marking
/// code, or from its UPC-E finds the same catalog entry.
public enum RetailCode {
    /// The GTIN lengths a retail code may have.
    static let gtinLengths: Set<Int> = [8, 12, 13, 14]

    /// The catalog SKU of the digits `digits` (8, 12, 13 or 14 ASCII digits with their check
    /// digit), or an error naming `name` (the symbology or AI) when the check digit is wrong.
    /// KassaCore's `SKU(validating:)` checks the digit, so the scanner and the catalog agree on it.
    static func catalogSKU(digits: some Collection<UInt8>, name: String, position: Int? = nil) throws(ScanError) -> SKU {
        let bytes = Array(digits)
        let text = String(decoding: bytes, as: UTF8.self)
        guard gtinLengths.contains(bytes.count), bytes.allSatisfy(isDigit) else {
            throw ScanError(.badRetailCode, "\(name) \(text) is not 8, 12, 13 or 14 digits", position: position)
        }
        do {
            _ = try SKU(validating: text)
        } catch {
            let expected = switch error {
            case .badCheckDigit(_, let expected): " expected \(expected)"
            case .badLength, .badCharacter: ""
            }
            throw ScanError(.badCheckDigit, "\(name) \(text) has check digit \(bytes[bytes.count - 1] &- 0x30),\(expected)",
                            position: position)
        }
        return catalogForm(bytes)
    }

    /// The catalog form of valid GTIN digits (see the type's comment); they are known to be digits
    /// with a correct check digit, so the SKU is made without checking again.
    static func catalogForm(_ bytes: [UInt8]) -> SKU {
        var start = 0
        switch bytes.count {
        case 14 where bytes.prefix(6).allSatisfy({ $0 == 0x30 }): start = 6
        case 14 where bytes[0] == 0x30: start = 1
        default: break
        }
        var digits = Array(bytes[start...])
        if digits.count == 12 { digits.insert(0x30, at: 0) }
        let kind: SKU.Kind = switch digits.count {
        case 8: .ean8
        case 13: .ean13
        default: .gtin14
        }
        return SKU(trusted: String(decoding: digits, as: UTF8.self), kind: kind)
    }

    /// The GS1 mod-10 check digit of ASCII digits `payload`: KassaCore's `SKU.checkDigit` rule
    /// (weights 3 and 1 from the rightmost digit) over bytes, without generics, because the GS1
    /// parser runs it on every GTIN, SSCC and GLN it reads; a test holds the two to agreement.
    static func checkDigit(_ payload: UnsafeBufferPointer<UInt8>) -> Int {
        var sum = 0
        var weight = 3
        var index = payload.count - 1
        while index >= 0 {
            sum += Int(payload[index] &- 0x30) * weight
            weight = 4 - weight
            index -= 1
        }
        return (10 - sum % 10) % 10
    }

    /// `checkDigit(_:)` over an array.
    static func checkDigit(_ payload: [UInt8]) -> Int {
        payload.withUnsafeBufferPointer { checkDigit($0) }
    }

    /// The 12 UPC-A digits a UPC-E code (8 digits: number system 0 or 1, six digits, check
    /// digit) stands for, or nil when it is not one. The check digit is carried over unchecked.
    ///
    /// The sixth digit says where the zeros were suppressed: 0–2 after the manufacturer's first
    /// two digits (the sixth digit becomes the manufacturer's third), 3 after three, 4 after four,
    /// 5–9 before the item's last digit.
    public static func expandUPCE(_ code: some Collection<UInt8>) -> [UInt8]? {
        let e = Array(code)
        guard e.count == 8, e.allSatisfy(isDigit), e[0] == 0x30 || e[0] == 0x31 else { return nil }
        let zero: UInt8 = 0x30
        let body: [UInt8] = switch e[6] {
        case 0x30...0x32: [e[1], e[2], e[6], zero, zero, zero, zero, e[3], e[4], e[5]]
        case 0x33: [e[1], e[2], e[3], zero, zero, zero, zero, zero, e[4], e[5]]
        case 0x34: [e[1], e[2], e[3], e[4], zero, zero, zero, zero, zero, e[5]]
        default: [e[1], e[2], e[3], e[4], e[5], zero, zero, zero, zero, e[6]]
        }
        return [e[0]] + body + [e[7]]
    }

    /// True for an ASCII digit.
    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }
}
