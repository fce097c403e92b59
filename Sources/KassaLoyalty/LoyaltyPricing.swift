import KassaCore
import Synchronization

/// Kassa's pricing: the loyalty rules in force, compiled once per version and shared by the
/// journal writer (sales) and every reader (quotes, customer cards).
///
/// Before any rules document is put in force it prices like `ListPricing`: shelf prices, no
/// points earned, a points payment at `minorUnitsPerPointWithoutRules` a point.
public final class LoyaltyPricing: SalePricing {
    private struct Compiled {
        var document: String
        var program: PricingProgram
    }

    /// The last program compiled, keyed by its document: the writer and readers ask for the
    /// same version almost always, so one entry is enough.
    private let cache = Mutex<Compiled?>(nil)
    private let fallback: ListPricing

    /// Pricing that falls back to list prices (and points worth `minorUnitsPerPointWithoutRules`)
    /// while no rules are in force.
    public init(minorUnitsPerPointWithoutRules: Int64 = 100) {
        fallback = ListPricing(minorUnitsPerPoint: minorUnitsPerPointWithoutRules)
    }

    /// Parses and checks a document; a `LedgerError` naming the rule and field when it fails.
    public func validate(rules document: String) throws(LedgerError) {
        _ = try LoyaltyPricing.parse(document)
    }

    /// Prices by the rules in force.
    public func price(_ receipt: Receipt, customer: CustomerAccount?, catalog: Catalog, rules: RulesRecord?,
                      today: Int32) throws(LedgerError) -> PricedSale {
        guard let rules else { return try fallback.price(receipt, customer: customer, catalog: catalog, rules: nil, today: today) }
        return try program(for: rules).quote(receipt, customer: customer, catalog: catalog, today: today).priced
    }

    /// The compiled program for `rules`.
    public func program(for rules: RulesRecord) throws(LedgerError) -> PricingProgram {
        if let hit = cache.withLock({ cached -> PricingProgram? in
            guard let cached, cached.program.version == rules.version, cached.document == rules.document else { return nil }
            return cached.program
        }) {
            return hit
        }
        let program = PricingProgram(try LoyaltyPricing.parse(rules.document), version: rules.version)
        cache.withLock { $0 = Compiled(document: rules.document, program: program) }
        return program
    }

    private static func parse(_ document: String) throws(LedgerError) -> RuleSet {
        do {
            return try RuleSetParser.parse(document)
        } catch {
            throw LedgerError(.invalidField, error.message, field: error.field.isEmpty ? "rules" : error.field)
        }
    }
}
