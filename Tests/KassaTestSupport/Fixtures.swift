import KassaCore

/// Small hand-made fixtures shared by the core tests.
public enum Fixture {
    public static let moscow: Int16 = 180
    /// 2026-11-22T10:15:00+03:00
    public static let morning = RFC3339.parse("2026-11-22T10:15:00+03:00")!

    public static func time(_ text: String) -> Timestamp { RFC3339.parse(text)! }

    public static func sku(_ code: String) -> SKU { try! SKU(validating: code) }

    public static func card(_ text: String = "7000123456789") -> CardNumber { CardNumber(text)! }

    public static let milk = sku("4607001234562")
    public static let meat = sku("2100001000011")
    public static let bread = sku("46012340")

    public static func line(_ sku: SKU, _ qty: String, _ price: Int64, category: String? = nil) -> ReceiptLine {
        ReceiptLine(sku: sku, qty: Quantity(decimal: qty)!, price: price, category: category)
    }

    public static func receipt(_ id: String, customer: CardNumber? = nil, terminal: String = "T07", at: Timestamp = morning,
                        lines: [ReceiptLine], payments: [Payment] = []) -> Receipt {
        Receipt(id: id, store: "S1", terminal: terminal, cashier: "C12", at: at, customer: customer, lines: lines, payments: payments)
    }

    public static func customer(_ card: CardNumber = card(), name: String = "Анна Петрова", at: Timestamp = morning) -> Customer {
        Customer(card: card, phone: "+79001234567", name: name, birthdate: LocalDate(iso: "1990-05-17"), source: "flyer", enrolledAt: at)
    }

    public static func returning(_ id: String, sale: String, terminal: String = "T07", _ lines: [(SKU, String)]) -> SaleReturn {
        SaleReturn(id: id, sale: sale, store: "S1", terminal: terminal, cashier: "C12", at: morning,
                   lines: lines.map { ReturnLine(sku: $0.0, qty: Quantity(decimal: $0.1)!) })
    }
}

/// Fixed-rate points for tests: one point per 100 minor units of total, 1 point = 1.00.
public struct OnePercentPoints: SalePricing {
    public init() {}

    public func validate(rules document: String) throws(LedgerError) {
        throw LedgerError(.invalidField, "fixed-rate test pricing takes no rules", field: "rules")
    }

    public func price(_ receipt: Receipt, customer: CustomerAccount?, catalog: Catalog, rules: RulesRecord?,
                      today: Int32) throws(LedgerError) -> PricedSale {
        var priced = try ListPricing().price(receipt, customer: customer, catalog: catalog, rules: rules, today: today)
        priced.pointsEarned = customer == nil ? 0 : priced.total / 100
        return priced
    }
}

/// `OnePercentPoints` that also takes rules documents (`# test rules …`), and while one ending
/// in `expire` is in force writes off the balance of every customer with 3k + 2 visits: the
/// rules and expiry paths of the Ledger, driven by a deterministic stand-in for the engine.
public struct RulesAwarePoints: SalePricing {
    public init() {}

    public func validate(rules document: String) throws(LedgerError) {
        guard document.hasPrefix("# test rules") else {
            throw LedgerError(.invalidField, "test rules start with '# test rules'", field: "rules")
        }
    }

    public func price(_ receipt: Receipt, customer: CustomerAccount?, catalog: Catalog, rules: RulesRecord?,
                      today: Int32) throws(LedgerError) -> PricedSale {
        var priced = try OnePercentPoints().price(receipt, customer: customer, catalog: catalog, rules: rules, today: today)
        priced.rulesVersion = rules?.version ?? 0
        if let customer, rules?.document.hasSuffix("expire") == true, customer.visits % 3 == 2 {
            priced.pointsExpired = customer.points
        }
        return priced
    }
}

extension Ledger {
    /// Applies and returns the answer, or the error, for assertions.
    public mutating func run(_ command: LedgerCommand, at: Timestamp = Fixture.morning, pricing: some SalePricing = ListPricing()) -> Result<LedgerAnswer, LedgerError> {
        switch apply(command, at: at, pricing: pricing) {
        case .applied(_, let answer), .duplicate(let answer): return .success(answer)
        case .rejected(let error): return .failure(error)
        }
    }

    public mutating func mustSell(_ command: LedgerCommand, pricing: some SalePricing = ListPricing()) throws -> SaleRecord {
        switch run(command, pricing: pricing) {
        case .success(.sale(let record)): return record
        case .success(let other): throw FixtureError.unexpected("\(other)")
        case .failure(let error): throw error
        }
    }
}

extension Result {
    public var error: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

public enum FixtureError: Error {
    case unexpected(String)
}
