import KassaBenchSupport
import KassaCore
import KassaLoyalty

/// A hypermarket programme of 50 rules, all active on the benchmark's day, and ten million
/// customers with some history each.
enum Programme {
    static let categories = ["dairy", "bakery", "meat", "produce", "grocery", "drinks", "household", "frozen"]

    /// Tiers, points, regular customer, birthday, first purchase, win-back, two basket
    /// thresholds and 42 promotions on categories and SKUs.
    static func fiftyRules(products: [Product]) -> RuleSet {
        var rules: [Rule] = [
            Rule(id: "tiers", name: "Club tiers", stackable: true, membersOnly: true, kind: .tiers(TierLadder(windowDays: 365, levels: [
                TierLevel(id: "bronze", name: "Bronze", from: 0, percentBasisPoints: 0),
                TierLevel(id: "silver", name: "Silver", from: 20_000_00, percentBasisPoints: 300),
                TierLevel(id: "gold", name: "Gold", from: 60_000_00, percentBasisPoints: 500),
            ]))),
            Rule(id: "points", name: "Club points", membersOnly: true, kind: .points(PointsProgramme(
                pointValue: 1_00, earnEvery: 100_00, earnPoints: 1, earnPointsByTier: ["silver": 2, "gold": 3],
                redeemCapBasisPoints: 5_000, expiryDays: 365))),
            Rule(id: "regular", name: "Regular customer", stackable: true, membersOnly: true,
                 kind: .regularCustomer(visits: 4, days: 30, percentBasisPoints: 200)),
            Rule(id: "birthday", name: "Birthday", membersOnly: true, kind: .birthday(daysBefore: 3, daysAfter: 3, benefit: .percent(1_000))),
            Rule(id: "welcome", name: "First purchase", stackable: true, membersOnly: true, kind: .firstPurchase(.percent(500))),
            Rule(id: "win-back", name: "We missed you", stackable: true, membersOnly: true, kind: .winBack(inactiveDays: 90, benefit: .percent(700))),
            Rule(id: "spend-3000", name: "Spend 3,000", stackable: true, kind: .basketThreshold(spend: 3_000_00, benefit: .amount(200_00))),
            Rule(id: "spend-10000", name: "Spend 10,000", kind: .basketThreshold(spend: 10_000_00, benefit: .percent(500))),
        ]
        for index in 0..<42 {
            let category = categories[index % categories.count]
            let skus = (0..<25).map { products[(index * 397 + $0 * 811) % products.count].sku.code }
            let target = index % 3 == 0 ? Target(categories: [category]) : Target(skus: skus)
            let kind: Rule.Kind
            switch index % 4 {
            case 0: kind = .percentOff(target, percentBasisPoints: Int64(500 + index * 25))
            case 1: kind = .amountOff(target, amount: Int64(5_00 + index * 10))
            case 2: kind = .fixedPrice(target, price: Int64(99_00 + index * 100))
            default: kind = .nForM(target, buy: 3, pay: 2)
            }
            rules.append(Rule(id: "promo-\(index)", name: "Promotion \(index)", priority: index % 5, stackable: index % 2 == 0, kind: kind))
        }
        precondition(rules.count == 50)
        return RuleSet(programme: "Hypermarket club", stacking: Stacking(policy: .additive, capBasisPoints: 3_000),
                       exclusions: Exclusions(categories: ["tobacco"]),
                       floors: (0..<200).map { Floor(sku: products[$0 * 97].sku.code, price: products[$0 * 97].price / 2) },
                       rules: rules)
    }

    /// A Ledger with the catalog and `customers` customers, each with three days of purchases
    /// over the last months (as recovery loads them from a snapshot).
    static func ledger(products: [Product], customers: Int) -> Ledger {
        var table = CustomerTable()
        table.reserve(customers)
        let today = Workload.opening.localDay
        for index in 0..<customers {
            var account = CustomerAccount(profile: Workload.customer(index))
            var days: [DayActivity] = []
            for visit in 0..<3 {
                let ago = Int32((index &* 7 + visit * 41) % 200 + visit * 60)
                days.append(DayActivity(day: today - ago, visits: 1, spend: Int64(800_00 + (index + visit) % 9_000_00)))
            }
            days.sort { $0.day < $1.day }
            account.recentDays = days
            account.visits = 3
            account.lifetimeSpend = days.reduce(0) { $0 + $1.spend }
            account.firstVisitDay = days.first?.day
            account.lastVisitDay = days.last?.day
            account.points = Int64(index % 2_000)
            account.categorySpend = [CategorySpend(category: categories[index % categories.count], spend: account.lifetimeSpend)]
            table.insert(account)
        }
        var catalog = Catalog()
        catalog.upsertLoaded(products)
        var stats = LedgerStats()
        stats.customers = Int64(customers)
        var ledger = Ledger()
        ledger.load(customers: table, catalog: catalog, shifts: [:], stats: stats)
        return ledger
    }
}
