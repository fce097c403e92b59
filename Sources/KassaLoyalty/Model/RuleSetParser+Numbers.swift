import Yams

extension RuleSetParser {
    /// A number as written in plain decimal (`-12.5`), before any unit is applied.
    struct WrittenNumber {
        /// A leading `-`.
        var negative: Bool
        /// The digits before the point.
        var whole: Substring
        /// The digits after the point; nil when there is no point.
        var fraction: Substring?
        /// The number as written, quoted back in messages.
        var text: String
    }

    /// Whether a range starts at zero or just above it, which messages say differently.
    enum Lower {
        /// Zero is allowed.
        case zero
        /// Only more than zero.
        case positive
    }

    /// Reads a number written in plain decimal; hexadecimal, `1_000`, `1e3` and quoted numbers
    /// are refused, because YAML would read them differently from a person (or from JSON).
    static func writtenNumber(_ node: Node, at location: Location, what: String) throws(RuleSetError) -> WrittenNumber {
        guard case .scalar(let scalar) = node, !isNull(scalar) else {
            throw location.error("must be \(what), got \(shown(node))")
        }
        guard isPlain(scalar) else {
            throw location.error("must be \(what) written without quotes, got \(shown(node))")
        }
        var rest = Substring(scalar.string)
        let negative = rest.first == "-"
        if negative { rest = rest.dropFirst() }
        let parts = rest.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let isDigits = { (digits: Substring) in !digits.isEmpty && digits.utf8.allSatisfy { (0x30...0x39).contains($0) } }
        guard isDigits(parts[0]), parts.count == 1 || isDigits(parts[1]) else {
            throw location.error("must be \(what), got \(shown(node))")
        }
        return WrittenNumber(negative: negative, whole: parts[0], fraction: parts.count == 2 ? parts[1] : nil,
                             text: scalar.string)
    }

    /// The value of decimal `digits`, or nil when it does not fit an `Int64` (then it is out of
    /// every range here anyway).
    static func value(ofDigits digits: Substring) -> Int64? {
        var result: Int64 = 0
        for byte in digits.utf8 {
            let (shifted, overflowA) = result.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = shifted.addingReportingOverflow(Int64(byte) - 0x30)
            guard !overflowA, !overflowB else { return nil }
            result = sum
        }
        return result
    }

    /// A whole number within `range`; `unit` (`days`) is named in messages.
    static func integer(_ node: Node, at location: Location, in range: ClosedRange<Int64>,
                        unit: String = "") throws(RuleSetError) -> Int64 {
        let units = unit.isEmpty ? "" : " \(unit)"
        let number = try writtenNumber(node, at: location, what: "a whole number\(unit.isEmpty ? "" : " of\(units)")")
        guard number.fraction == nil else {
            throw location.error("must be a whole number\(units), got \(number.text)")
        }
        guard let magnitude = value(ofDigits: number.whole), range.contains(number.negative ? -magnitude : magnitude) else {
            throw location.error("must be from \(range.lowerBound) to \(range.upperBound)\(units), got \(number.text)")
        }
        return number.negative ? -magnitude : magnitude
    }

    /// An amount in minor units (kopecks), up to `moneyMax`.
    static func money(_ node: Node, at location: Location, lower: Lower) throws(RuleSetError) -> Int64 {
        let what = "a whole number of minor units (2000000 is 20,000.00)"
        let number = try writtenNumber(node, at: location, what: what)
        guard number.fraction == nil else { throw location.error("must be \(what), got \(number.text)") }
        let value = value(ofDigits: number.whole).map { number.negative ? -$0 : $0 }
        guard let value, value <= moneyMax, lower == .zero ? value >= 0 : value > 0 else {
            throw location.error("must be \(phrase(lower, max: "\(moneyMax) minor units")), got \(number.text)")
        }
        return value
    }

    /// A percentage of at most 100 with at most two decimals (`12.5`), as basis points (`1250`).
    static func percent(_ node: Node, at location: Location, lower: Lower) throws(RuleSetError) -> Int64 {
        let what = "a percentage with at most two decimals (3, 12.5, 0.25)"
        let number = try writtenNumber(node, at: location, what: what)
        let fraction = number.fraction ?? ""
        guard fraction.count <= 2 else { throw location.error("must be \(what), got \(number.text)") }
        let hundredths = value(ofDigits: fraction + String(repeating: "0", count: 2 - fraction.count)) ?? 0
        let whole = value(ofDigits: number.whole)
        let magnitude = whole.flatMap { $0 <= 100 ? $0 * 100 + hundredths : nil }
        let basisPoints = magnitude.map { number.negative ? -$0 : $0 }
        guard let basisPoints, basisPoints <= 10_000, lower == .zero ? basisPoints >= 0 : basisPoints > 0 else {
            throw location.error("must be \(phrase(lower, max: "100")), got \(number.text)")
        }
        return basisPoints
    }

    /// Days a rule may look back or ahead (ten years).
    static let daysRange: ClosedRange<Int64> = 1...3_660

    /// `integer(_:at:in:unit:)` of a mapping's value.
    static func integer(_ field: Field, in range: ClosedRange<Int64>, unit: String = "") throws(RuleSetError) -> Int64 {
        try integer(field.node, at: field.location, in: range, unit: unit)
    }

    /// `money(_:at:lower:)` of a mapping's value.
    static func money(_ field: Field, lower: Lower) throws(RuleSetError) -> Int64 {
        try money(field.node, at: field.location, lower: lower)
    }

    /// `percent(_:at:lower:)` of a mapping's value.
    static func percent(_ field: Field, lower: Lower) throws(RuleSetError) -> Int64 {
        try percent(field.node, at: field.location, lower: lower)
    }

    /// `more than 0 and at most 100`, `from 0 to 100`.
    static func phrase(_ lower: Lower, max: String) -> String {
        switch lower {
        case .zero: "from 0 to \(max)"
        case .positive: "more than 0 and at most \(max)"
        }
    }
}
