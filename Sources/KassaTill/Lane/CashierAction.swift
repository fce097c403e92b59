import KassaCore

/// One line of the cashier's input to `kassa till` (the contract's "lane's cashier input"):
/// what the keyboard, or a keyboard-wedge scanner typing into it, asks the lane to do.
public enum CashierAction: Hashable, Sendable {
    /// A scanned or typed barcode: add the item.
    case scan(String)
    /// The next item's quantity (`qty 3`, `qty 0.755`).
    case quantity(Quantity)
    /// Attach a loyalty card to the basket.
    case card(CardNumber)
    /// Remove the last line.
    case voidLast
    /// Price the basket (a quote) and show what is due.
    case total
    /// Pay by `method`; nil amount means the rest due. Points are whole points, money is in
    /// minor units.
    case pay(PaymentMethod, amount: Int64?)
    /// Drop the basket.
    case cancel
    /// Close the terminal's shift (Z-report).
    case closeShift
    /// Leave once the basket is settled.
    case quit

    /// How a payment is made at the lane.
    public enum PaymentMethod: String, Hashable, Sendable, CaseIterable, Codable {
        case cash, card, points
    }

    /// Longest input line taken; a scanner stuck sending bytes without an end is cut here.
    public static let lineBytesMax = 512

    /// Parses one input line; the error says what was wrong and what is accepted instead.
    public static func parse(_ line: String) throws(CashierInputError) -> CashierAction? {
        guard line.utf8.count <= lineBytesMax else {
            throw CashierInputError("a line of \(line.utf8.count) bytes is longer than \(lineBytesMax); nothing was done")
        }
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
        guard let first = words.first else { return nil }
        switch first.lowercased() {
        case "qty":
            guard words.count == 2, let quantity = Quantity(decimal: words[1]), quantity.thousandths > 0 else {
                throw CashierInputError("'qty' takes one positive quantity with up to three decimals, as 'qty 3' or 'qty 0.755'")
            }
            guard quantity <= Quantity.lineMax else {
                // The server refuses such a line; said here, before it is scanned into the basket.
                throw CashierInputError("'qty \(words[1])' is more than one line may carry (at most \(Quantity.lineMax)); the quantity is unchanged")
            }
            return .quantity(quantity)
        case "card":
            guard words.count == 2, let card = CardNumber(words[1]) else {
                throw CashierInputError("'card' takes one card number of \(CardNumber.digitsMin)–\(CardNumber.digitsMax) digits")
            }
            return .card(card)
        case "void": return try bare(words, .voidLast)
        case "total": return try bare(words, .total)
        case "cancel": return try bare(words, .cancel)
        case "close-shift": return try bare(words, .closeShift)
        case "quit": return try bare(words, .quit)
        case "pay": return try payment(words)
        default:
            // GS (0x1D) separates the variable fields of GS1 codes (marking codes); scanners
            // that type on the keyboard send it as it is.
            guard words.count == 1, first.utf8.allSatisfy({ ($0 > 0x20 && $0 < 0x7F) || $0 == 0x1D }) else {
                throw CashierInputError("'\(line)' is neither a barcode nor a command (qty, card, void, total, pay, cancel, close-shift, quit)")
            }
            return .scan(first)
        }
    }

    private static func bare(_ words: [String], _ action: CashierAction) throws(CashierInputError) -> CashierAction {
        guard words.count == 1 else { throw CashierInputError("'\(words[0])' takes nothing after it") }
        return action
    }

    private static func payment(_ words: [String]) throws(CashierInputError) -> CashierAction {
        guard words.count == 2 || words.count == 3, let method = PaymentMethod(rawValue: words[1].lowercased()) else {
            throw CashierInputError("'pay' takes a method (cash, card or points) and an optional amount, as 'pay cash 600.00'")
        }
        guard words.count == 3 else { return .pay(method, amount: nil) }
        if method == .points {
            guard let points = Int64(words[2]), points > 0 else { throw CashierInputError("'pay points' takes a whole number of points above 0") }
            return .pay(.points, amount: points)
        }
        guard let minor = minorUnits(words[2]), minor > 0 else {
            throw CashierInputError("'\(words[2])' is not an amount above 0 with up to two decimals, as 600 or 600.50")
        }
        return .pay(method, amount: minor)
    }

    /// "600", "600.5" or "600.50" in minor units; nil for anything else.
    static func minorUnits(_ text: String) -> Int64? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.count <= 15,
              whole.allSatisfy(\.isASCII), let units = Int64(whole) else { return nil }
        var cents: Int64 = 0
        if parts.count == 2 {
            let fraction = parts[1]
            guard (1...2).contains(fraction.count), fraction.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int64(fraction) else { return nil }
            cents = fraction.count == 1 ? value * 10 : value
        }
        return units * 100 + cents
    }
}

/// A cashier input line that was not understood; the lane says so and carries on.
public struct CashierInputError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
