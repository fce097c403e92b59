/// Where a store's scales put the item and its weight or price in the in-store EAN-13 codes they
/// print (GS1 restricted circulation numbers, prefixes 20–29). One layout per scale model; read
/// from the lane's `config/devices.yaml`, where each layout is two keys:
///
/// - `prefixes`: the leading digits that mark a code as this layout's, e.g. `["21", "22"]`. All
///   have as many digits as the pattern has `P`s. A code with another prefix is not weighed goods.
/// - `pattern`: 13 letters, one per digit of the code (spaces ignored), saying what each digit is:
///   - `P` prefix digit (must match one of `prefixes`),
///   - `I` item code digit: the item's number in the scale's list (the PLU), contiguous,
///   - `W` weight digit, in grams, contiguous (becomes a quantity in kilograms),
///   - `M` price digit, in minor units (kopecks), contiguous; a pattern has `W` or `M`, not both,
///   - `V` the price/weight check digit over a 4- or 5-digit value (GS1 General Specifications
///     7.9.3 and 7.9.4), only where the scale prints one,
///   - `X` a digit that means nothing here (a filler the scale prints),
///   - `C` the EAN-13 check digit, last.
///
/// The common Russian scales print `PP IIIII WWWWW C`: prefix, 5-digit item code, weight in grams,
/// check digit (`WeighedGoodsLayout.russianScales`). A price-printing layout with a price check
/// digit reads `PP IIII V MMMMM C`.
public struct WeighedGoodsLayout: Hashable, Sendable, Decodable {
    /// What the value digits measure.
    public enum ValueKind: Hashable, Sendable {
        /// Grams, read as a quantity of kilograms with three decimals.
        case weight
        /// The line's price in minor units.
        case price
    }

    /// The leading digits that mark a code as this layout's.
    public let prefixes: [String]
    /// The pattern it was made from, spaces removed.
    public let pattern: String
    /// Offsets of the item code digits in the 13-digit code.
    public let item: Range<Int>
    /// Offsets of the value digits.
    public let value: Range<Int>
    /// What the value measures.
    public let valueKind: ValueKind
    /// The offset of the price/weight check digit, when the scale prints one.
    public let valueCheckDigit: Int?

    /// The layout of the common Russian scales: prefixes 20–29, `PP IIIII WWWWW C`.
    public static let russianScales = WeighedGoodsLayout(
        prefixes: (20...29).map(String.init), pattern: "PPIIIIIWWWWWC", item: 2..<7, value: 7..<12, valueKind: .weight, valueCheckDigit: nil)

    /// A layout whose fields were worked out already (the built-in one, which a test compares with
    /// its pattern read by `init(prefixes:pattern:)`).
    init(prefixes: [String], pattern: String, item: Range<Int>, value: Range<Int>, valueKind: ValueKind, valueCheckDigit: Int?) {
        self.prefixes = prefixes
        self.pattern = pattern
        self.item = item
        self.value = value
        self.valueKind = valueKind
        self.valueCheckDigit = valueCheckDigit
    }

    /// A layout of `pattern` for codes starting with one of `prefixes`; throws `badConfiguration`
    /// saying what is wrong with them.
    public init(prefixes: [String], pattern: String) throws(ScanError) {
        let letters = Array(pattern.filter { $0 != " " })
        func fail(_ message: String) -> ScanError {
            ScanError(.badConfiguration, "weighed-goods pattern \"\(pattern)\": \(message)")
        }
        guard letters.count == 13 else { throw fail("has \(letters.count) digits, an EAN-13 has 13") }
        guard letters.allSatisfy({ "PIWMVXC".contains($0) }) else { throw fail("use only the letters P I W M V X C") }
        guard letters[12] == "C", letters.filter({ $0 == "C" }).count == 1 else { throw fail("the check digit C must be last and only once") }
        let prefixLength = letters.prefix { $0 == "P" }.count
        guard prefixLength > 0, letters.filter({ $0 == "P" }).count == prefixLength else { throw fail("the prefix digits P must lead") }
        guard !prefixes.isEmpty, prefixes.count <= 100,
              prefixes.allSatisfy({ $0.count == prefixLength && $0.utf8.allSatisfy(RetailCode.isDigit) }) else {
            throw fail("needs 1 to 100 prefixes of \(prefixLength) digits each, got \(prefixes)")
        }
        guard let item = Self.run(of: "I", in: letters) else { throw fail("needs one contiguous run of item digits I") }
        let weight = Self.run(of: "W", in: letters)
        let price = Self.run(of: "M", in: letters)
        let hasW = letters.contains("W"), hasM = letters.contains("M")
        guard hasW != hasM, let value = weight ?? price else { throw fail("needs one contiguous run of W (grams) or of M (price), not both") }
        let checks = letters.indices.filter { letters[$0] == "V" }
        guard checks.count <= 1, checks.isEmpty || value.count == 4 || value.count == 5 else {
            throw fail("a value check digit V needs a value of 4 or 5 digits, and only one V")
        }
        self.prefixes = prefixes
        self.pattern = String(letters)
        self.item = item
        self.value = value
        self.valueKind = hasW ? .weight : .price
        self.valueCheckDigit = checks.first
    }

    private enum CodingKeys: String, CodingKey { case prefixes, pattern }

    /// Reads `prefixes` and `pattern` from the configuration.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(prefixes: try container.decode([String].self, forKey: .prefixes),
                      pattern: try container.decode(String.self, forKey: .pattern))
    }

    /// The offsets of the one contiguous run of `letter`, or nil when there is none or several.
    private static func run(of letter: Character, in letters: [Character]) -> Range<Int>? {
        guard let first = letters.firstIndex(of: letter), let last = letters.lastIndex(of: letter),
              letters[first...last].allSatisfy({ $0 == letter }) else { return nil }
        return first..<(last + 1)
    }
}
