import KassaCore
import KassaLoyalty
import KassaTestSupport

/// A small store for the rule tests: a catalog, a customer with history, and the engine.
enum Store {
    static let milk = Fixture.sku("4607001234562")      // dairy, 89.90
    static let kefir = Fixture.sku("4600000000015")     // dairy, 59.90
    static let chips = Fixture.sku("4600000000022")     // snacks, 120.00
    static let nuts = Fixture.sku("4600000000039")      // snacks, 250.00
    static let cigarettes = Fixture.sku("4600000000046") // tobacco, 180.00, never discounted
    static let meat = Fixture.sku("2100001000011")      // meat, 549.00 a kg

    static let catalog: Catalog = {
        var catalog = Catalog()
        catalog.upsertLoaded([
            Product(sku: milk, name: "Молоко 3,2 %", category: "dairy", price: 89_90),
            Product(sku: kefir, name: "Кефир", category: "dairy", price: 59_90),
            Product(sku: chips, name: "Чипсы", category: "snacks", price: 120_00),
            Product(sku: nuts, name: "Орехи", category: "snacks", price: 250_00),
            Product(sku: cigarettes, name: "Сигареты", category: "tobacco", price: 180_00, flags: .neverDiscounted),
            Product(sku: meat, name: "Говядина", category: "meat", price: 549_00, flags: .weighed),
        ])
        return catalog
    }()

    /// 2026-11-22T10:15:00+03:00 as a local day.
    static let today = Fixture.morning.localDay

    /// A customer enrolled a year ago, born on `birthdate`, with `days` of activity:
    /// (days before today, visits, spend).
    static func customer(birthdate: String? = "1990-05-17", points: Int64 = 0,
                         days: [(ago: Int32, visits: Int32, spend: Int64)] = []) -> CustomerAccount {
        var profile = Fixture.customer()
        profile.birthdate = birthdate.flatMap { LocalDate(iso: $0) }
        profile.enrolledAt = Timestamp(epochMilliseconds: Fixture.morning.epochMilliseconds - 400 * 86_400_000, offsetMinutes: Fixture.moscow)
        var account = CustomerAccount(profile: profile)
        account.points = points
        for day in days.sorted(by: { $0.ago > $1.ago }) {
            account.recentDays.append(DayActivity(day: today - day.ago, visits: day.visits, spend: day.spend))
            account.visits += day.visits
            account.lifetimeSpend += day.spend
        }
        account.firstVisitDay = account.recentDays.first?.day
        account.lastVisitDay = account.recentDays.last?.day
        return account
    }

    static func line(_ sku: SKU, _ qty: String) -> ReceiptLine {
        let price = catalog.product(sku)?.price ?? 0
        return Fixture.line(sku, qty, price)
    }

    static func basket(_ lines: [ReceiptLine], customer: Bool = true, at: Timestamp = Fixture.morning,
                       payments: [Payment] = [], store: String = "S1") -> Receipt {
        var receipt = Fixture.receipt("Q1", customer: customer ? Fixture.card() : nil, at: at, lines: lines, payments: payments)
        receipt.store = store
        return receipt
    }

    static func program(_ rules: [Rule], stacking: Stacking = Stacking(), exclusions: Exclusions = Exclusions(),
                        floors: [Floor] = []) -> PricingProgram {
        PricingProgram(RuleSet(programme: "Test", stacking: stacking, exclusions: exclusions, floors: floors, rules: rules), version: 1)
    }

    static func quote(_ program: PricingProgram, _ receipt: Receipt, customer: CustomerAccount? = nil) throws -> Quote {
        let account = receipt.customer == nil ? nil : (customer ?? Store.customer())
        return try program.quote(receipt, customer: account, catalog: catalog, today: receipt.at.localDay)
    }
}

/// A SalePricing that prices with one compiled program whatever the Ledger's rules record: the
/// Ledger-level tests exercise the engine without a rules document.
struct ProgramPricing: SalePricing {
    let program: PricingProgram

    func validate(rules document: String) throws(LedgerError) {}

    func price(_ receipt: Receipt, customer: CustomerAccount?, catalog: Catalog, rules: RulesRecord?,
               today: Int32) throws(LedgerError) -> PricedSale {
        try program.quote(receipt, customer: customer, catalog: catalog, today: today).priced
    }
}

extension Rule {
    static func tiers(_ levels: [TierLevel], windowDays: Int32 = 365) -> Rule {
        Rule(id: "tiers", name: "Club tiers", membersOnly: true, kind: .tiers(TierLadder(windowDays: windowDays, levels: levels)))
    }

    static let standardTiers = Rule.tiers([
        TierLevel(id: "bronze", name: "Bronze", from: 0, percentBasisPoints: 0),
        TierLevel(id: "silver", name: "Silver", from: 20_000_00, percentBasisPoints: 300),
        TierLevel(id: "gold", name: "Gold", from: 60_000_00, percentBasisPoints: 500),
    ])

    static func promotion(_ id: String, _ kind: Kind, priority: Int = 0, stackable: Bool = false,
                          from: String? = nil, to: String? = nil, stores: [String] = [], membersOnly: Bool = false) -> Rule {
        Rule(id: id, name: id, validFrom: from.flatMap { LocalDate(iso: $0) }, validTo: to.flatMap { LocalDate(iso: $0) },
             stores: stores, priority: priority, stackable: stackable, membersOnly: membersOnly, kind: kind)
    }
}
