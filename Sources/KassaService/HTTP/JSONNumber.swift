import KassaCore

/// Exact readings of a JSON number's literal text (already checked against the grammar by
/// `JSONParser`), so that money and quantities never pass through a `Double`.
enum JSONNumber {
    /// The literal as an Int64 when it is written as a whole number (`8990`, `-5`, `-0`); nil for
    /// a fraction or an exponent (`1.0`, `1e3`: money is written as an integer of minor units,
    /// as Foundation's reading enforced before) and for values beyond Int64.
    static func wholeNumber(_ literal: String) -> Int64? {
        guard !literal.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) else {
            return nil
        }
        return Int64(literal)
    }

    /// The literal as a quantity, exactly: what `Quantity(decimal:)` reads from
    /// `plainDecimal(literal)`, nil when that is nil.
    static func quantity(_ literal: String) -> Quantity? {
        if let thousandths = plainThousandths(literal) { return Quantity(thousandths: thousandths) }
        return plainDecimal(literal).flatMap { Quantity(decimal: $0) }
    }

    /// The thousandths of a literal with at most three decimals and no exponent (what tills
    /// send), read from its bytes; nil for any other literal, and beyond the limit of
    /// `Quantity(decimal:)` (an integer part above Int64.max / 1000).
    static func plainThousandths(_ literal: String) -> Int64? {
        plainThousandths(utf8: literal.utf8)
    }

    /// `plainThousandths` of a literal's UTF-8 bytes.
    static func plainThousandths<Bytes: Sequence<UInt8>>(utf8 bytes: Bytes) -> Int64? {
        var integer: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = -1
        var negative = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "-"): negative = true
            case UInt8(ascii: "."): fractionDigits = 0
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let digit = Int64(byte - UInt8(ascii: "0"))
                if fractionDigits >= 0 {
                    fractionDigits += 1
                    guard fractionDigits <= 3 else { return nil }
                    fraction = fraction * 10 + digit
                } else {
                    integer = integer * 10 + digit
                    guard integer <= Int64.max / 1000 else { return nil }
                }
            default: return nil
            }
        }
        for _ in max(fractionDigits, 0)..<3 { fraction *= 10 }
        let thousandths = integer * 1000 + fraction
        return negative ? -thousandths : thousandths
    }

    /// The literal as a plain decimal with at most `decimalsMax` decimals and no exponent, the
    /// form `Quantity(decimal:)` reads: `2` and `0.755` as they stand, `2.50` → `2.5`,
    /// `1.0000` → `1`, `1e3` → `1000`, `1.2345e2` → `123.45`. Nil when the value needs more
    /// decimals than that or more than `integerDigitsMax` digits before the point.
    static func plainDecimal(_ literal: String, decimalsMax: Int = 3, integerDigitsMax: Int = 20) -> String? {
        if isPlain(literal, decimalsMax: decimalsMax, integerDigitsMax: integerDigitsMax) { return literal }
        var negative = false
        var digits: [UInt8] = []
        digits.reserveCapacity(literal.utf8.count)
        var fractionDigits = 0
        var inFraction = false
        var exponent = 0
        var exponentNegative = false
        var inExponent = false
        for byte in literal.utf8 {
            switch byte {
            case UInt8(ascii: "-") where inExponent: exponentNegative = true
            case UInt8(ascii: "-"): negative = true
            case UInt8(ascii: "+"): continue
            case UInt8(ascii: "."): inFraction = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"): inExponent = true
            case UInt8(ascii: "0")...UInt8(ascii: "9") where inExponent:
                // Saturates: any exponent this large leaves the limits below either way.
                exponent = min(exponent * 10 + Int(byte - UInt8(ascii: "0")), 1_000_000)
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits.append(byte)
                if inFraction { fractionDigits += 1 }
            default: return nil
            }
        }
        // The value is digits × 10^-scale.
        var scale = fractionDigits - (exponentNegative ? -exponent : exponent)
        while scale > 0, digits.last == UInt8(ascii: "0") {
            digits.removeLast()
            scale -= 1
        }
        guard let firstSignificant = digits.firstIndex(where: { $0 != UInt8(ascii: "0") }) else { return "0" }
        digits.removeFirst(firstSignificant)
        guard scale <= decimalsMax, digits.count - scale <= integerDigitsMax else { return nil }
        var text: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        if scale <= 0 {
            text += digits
            text += repeatElement(UInt8(ascii: "0"), count: -scale)
        } else {
            let integerDigits = digits.count - scale
            if integerDigits > 0 {
                text += digits[..<integerDigits]
            } else {
                text.append(UInt8(ascii: "0"))
            }
            text.append(UInt8(ascii: "."))
            text += repeatElement(UInt8(ascii: "0"), count: max(0, -integerDigits))
            text += digits[max(0, integerDigits)...]
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Whether the literal already is such a plain decimal (the quantities tills send).
    private static func isPlain(_ literal: String, decimalsMax: Int, integerDigitsMax: Int) -> Bool {
        var integerDigits = 0
        var fractionDigits = 0
        var inFraction = false
        for byte in literal.utf8 {
            switch byte {
            case UInt8(ascii: "."): inFraction = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if inFraction { fractionDigits += 1 } else { integerDigits += 1 }
            case UInt8(ascii: "-"): continue
            default: return false
            }
        }
        return fractionDigits <= decimalsMax && integerDigits <= integerDigitsMax
    }
}
