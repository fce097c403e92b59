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
        try price(receipt, customer: customer, catalog: catalog, rules: rules, today: today, lookup: nil)
    }

    /// Prices by the rules in force, taking the lines' catalog lookup from `lookup` when it was
    /// read from `catalog`.
    public func price(_ receipt: Receipt, customer: CustomerAccount?, catalog: Catalog, rules: RulesRecord?,
                      today: Int32, lookup: CatalogLookup?) throws(LedgerError) -> PricedSale {
        guard let rules else {
            return try fallback.price(receipt, customer: customer, catalog: catalog, rules: nil, today: today, lookup: lookup)
        }
        return try program(for: rules).quote(receipt, customer: customer, catalog: catalog, today: today, lookup: lookup).priced
    }

    /// The quote behind `price`, with the program that made it (nil while no rules are in
    /// force: list prices, no reasons).
    public func quote(_ receipt: Receipt, customer: CustomerAccount?, catalog: Catalog, rules: RulesRecord?,
                      today: Int32) throws(LedgerError) -> (quote: Quote, program: PricingProgram?) {
        guard let rules else {
            let priced = try fallback.price(receipt, customer: customer, catalog: catalog, rules: nil, today: today)
            let redeemable = min(customer?.points ?? 0, priced.total / fallback.minorUnitsPerPoint)
            return (Quote(priced: priced, applied: [], nearMisses: [], standing: nil, pointsRedeemableMax: redeemable), nil)
        }
        let program = program(for: rules)
        return (try program.quote(receipt, customer: customer, catalog: catalog, today: today), program)
    }

    /// The compiled program for `rules`.
    ///
    /// A document in force was checked before it was journaled, so it reads; if a later build
    /// reads it differently and refuses it, the tills must still sell: the program is then
    /// empty (shelf prices, no points, rules version 0 on the receipts) until a new document is
    /// put in force, and `problem(with:)` says why so that start-up can log it.
    public func program(for rules: RulesRecord) -> PricingProgram {
        if let hit = cache.withLock({ cached -> PricingProgram? in
            guard let cached, cached.document == rules.document,
                  cached.program.version == rules.version || cached.program.version == 0 else { return nil }
            return cached.program
        }) {
            return hit
        }
        let program: PricingProgram
        do {
            program = PricingProgram(try LoyaltyPricing.parse(rules.document), version: rules.version)
        } catch {
            program = PricingProgram(RuleSet(), version: 0)
        }
        cache.withLock { $0 = Compiled(document: rules.document, program: program) }
        return program
    }

    /// Why the rules in force do not read with this build, if they do not.
    public func problem(with rules: RulesRecord) -> LedgerError? {
        do {
            _ = try LoyaltyPricing.parse(rules.document)
            return nil
        } catch {
            return error
        }
    }

    private static func parse(_ document: String) throws(LedgerError) -> RuleSet {
        do {
            return try RuleSetParser.parse(document)
        } catch {
            throw LedgerError(.invalidField, error.message, field: error.field.isEmpty ? "rules" : error.field)
        }
    }
}
