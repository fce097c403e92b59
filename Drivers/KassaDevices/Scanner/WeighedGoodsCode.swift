import KassaCore

/// An in-store code of weighed goods, read with its `WeighedGoodsLayout`.
public struct WeighedGoodsCode: Hashable, Sendable {
    /// What the code carries besides the item.
    public enum Measure: Hashable, Sendable {
        /// The weight, in kilograms with three decimals.
        case weight(Quantity)
        /// The line's price in minor units.
        case price(minorUnits: Int64)
    }

    /// The item code digits as printed (the scale's PLU), e.g. "00123".
    public let itemCode: String
    /// The code the catalog keeps the item under: the scanned code with the value (and its check
    /// digit) set to zeros and the EAN-13 check digit computed again, "2100123000002".
    public let lookupCode: SKU
    /// The weight or the price.
    public let measure: Measure
}

extension WeighedGoodsLayout {
    /// True when `code` (13 digits) starts with one of this layout's prefixes.
    public func matches(_ code: String) -> Bool {
        code.utf8.count == 13 && prefixes.contains { code.hasPrefix($0) }
    }

    /// Reads `code`, an EAN-13 in the catalog's form; nil when its prefix is not this layout's.
    /// Throws when the EAN-13 or value check digit is wrong or the value is zero.
    public func decode(_ code: String) throws(ScanError) -> WeighedGoodsCode? {
        guard matches(code) else { return nil }
        let digits = Array(code.utf8)
        guard digits.allSatisfy(RetailCode.isDigit) else {
            throw ScanError(.notWeighedGoods, "weighed-goods code \(code) is not 13 digits")
        }
        _ = try RetailCode.catalogSKU(digits: digits, name: "weighed-goods code")
        var number: Int64 = 0
        for digit in digits[value] { number = number * 10 + Int64(digit &- 0x30) }
        if let position = valueCheckDigit {
            let expected = Self.valueCheckDigit(digits[value].map { Int($0 &- 0x30) })
            guard Int(digits[position] &- 0x30) == expected else {
                throw ScanError(.badCheckDigit, "weighed-goods code \(code) has price/weight check digit \(digits[position] &- 0x30), expected \(expected)",
                                position: position)
            }
        }
        guard number > 0 else {
            throw ScanError(.notWeighedGoods, "weighed-goods code \(code) carries a \(valueKind == .weight ? "weight" : "price") of 0; weigh again")
        }
        var lookup = digits
        for offset in value { lookup[offset] = 0x30 }
        if let position = valueCheckDigit { lookup[position] = 0x30 }
        lookup[12] = 0x30 + UInt8(RetailCode.checkDigit(Array(lookup[0..<12])))
        let measure: WeighedGoodsCode.Measure = switch valueKind {
        case .weight: .weight(Quantity(thousandths: number))
        case .price: .price(minorUnits: number)
        }
        return WeighedGoodsCode(itemCode: String(decoding: digits[item], as: UTF8.self),
                                lookupCode: SKU(trusted: String(decoding: lookup, as: UTF8.self), kind: .ean13), measure: measure)
    }

    /// The GS1 price/weight check digit of a 4- or 5-digit value (GS1 General Specifications
    /// 7.9.3 and 7.9.4): each digit weighted by a table, not a multiplier.
    static func valueCheckDigit(_ digits: [Int]) -> Int {
        // Products of a digit with the weights 2-, 3, 5+ and 5- (7.9.2).
        let twoMinus = [0, 2, 4, 6, 8, 9, 1, 3, 5, 7]
        let three = [0, 3, 6, 9, 2, 5, 8, 1, 4, 7]
        let fivePlus = [0, 5, 1, 6, 2, 7, 3, 8, 4, 9]
        let fiveMinus = [0, 5, 9, 4, 8, 3, 7, 2, 6, 1]
        if digits.count == 4 {
            let sum = twoMinus[digits[0]] + twoMinus[digits[1]] + three[digits[2]] + fiveMinus[digits[3]]
            return (sum * 3) % 10
        }
        let sum = fivePlus[digits[0]] + twoMinus[digits[1]] + fiveMinus[digits[2]] + fivePlus[digits[3]] + twoMinus[digits[4]]
        let target = (10 - sum % 10) % 10
        return fiveMinus.firstIndex(of: target) ?? 0
    }
}
