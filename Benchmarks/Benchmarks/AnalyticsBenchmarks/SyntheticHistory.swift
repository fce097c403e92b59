import Foundation
import KassaAnalytics
import KassaCore

/// The shape of a generated history.
struct HistoryShape {
    var stores: Int
    var days: Int
    var customers: Int
    var skus: Int
    var lines: Int
    var linesPerReceipt: Int
    /// Share of receipts carrying a loyalty card.
    var loyaltyShare: Double
    /// Share of members who never buy (cards handed out and never used).
    var dormantShare: Double

    /// Ten million customers and two hundred million receipt lines: a chain of ten hypermarkets
    /// over two years, twenty million receipts of ten lines.
    static let chain = HistoryShape(stores: 10, days: 730, customers: 10_000_000, skus: 40_000, lines: 200_000_000,
                                    linesPerReceipt: 10, loyaltyShare: 0.7, dormantShare: 0.3)
    /// One large hypermarket for a year: 5,000,000 receipts of 30 lines, 300,000 members
    /// carrying 45 % of them.
    static let hypermarketYear = HistoryShape(stores: 1, days: 365, customers: 300_000, skus: 40_000, lines: 150_000_000,
                                              linesPerReceipt: 30, loyaltyShare: 0.45, dormantShare: 0.2)
}

/// The analytics facts such a history folds into, generated directly (what `AnalyticsStore`
/// would hold after reading it): deterministic from the seed.
enum SyntheticHistory {
    static let asOf = LocalDate(iso: "2026-11-25")!

    static func facts(_ shape: HistoryShape, seed: UInt64 = 20_261_125) -> AnalyticsFacts {
        var random = SplitMix(seed)
        let lastDay = asOf.daysSinceEpoch
        let firstDay = lastDay - Int32(shape.days) + 1
        let receipts = shape.lines / shape.linesPerReceipt
        let meanCheck = 250_000.0  // 2,500.00 a receipt

        // Customers: purchase days drawn so that the members carry the loyalty share of receipts.
        let buyers = Double(shape.customers) * (1 - shape.dormantShare)
        let meanReceipts = Double(receipts) * shape.loyaltyShare / buyers
        let continueShare = meanReceipts / (1 + meanReceipts)  // a geometric count with that mean, at least 1
        var customers: [CustomerFacts] = []
        customers.reserveCapacity(shape.customers)
        let sources = ["flyer", "web", "till", "partner", ""]
        for n in 0..<shape.customers {
            let card = "77" + String(100_000_000_000 + n)
            let enrolled = firstDay - 180 + Int32(random.below(shape.days + 180))
            var days: [PurchaseDay] = []
            if random.unit() >= shape.dormantShare {
                // Customers differ in what they spend, as the Gamma-Gamma model has it: each
                // receipt is exponential around the customer's own mean, and the inverse of that
                // mean is Gamma(4)-distributed across customers, averaging `meanCheck`.
                let shape4 = -(0..<4).reduce(0.0) { sum, _ in sum + log(max(1e-12, random.unit())) }
                let ownMeanCheck = meanCheck * 3 / shape4
                let from = max(enrolled, firstDay)
                var count = 1
                while random.unit() < continueShare { count += 1 }
                for _ in 0..<count {
                    let day = from + Int32(random.below(Int(lastDay - from) + 1))
                    let spend = Int64(-ownMeanCheck * log(max(1e-12, random.unit())))
                    days.add(day: day, store: Int32(random.below(shape.stores)), spend: spend)
                }
            }
            let birthdate = LocalDate(daysSinceEpoch: lastDay - 365 * 20 - Int32(random.below(365 * 45)))
            customers.append(CustomerFacts(card: card, source: sources[n % sources.count], enrolledDay: min(enrolled, lastDay),
                                           birthdate: birthdate, days: days))
        }

        // Products: lines per store and day, SKUs Zipf-popular, aggregated per store, day and SKU.
        let alias = AliasTable(zipf: shape.skus, exponent: 1.0)
        let prices = (0..<shape.skus).map { _ in Int64(5_000 + random.below(200_000)) }
        let linesPerStoreDay = shape.lines / (shape.stores * shape.days)
        var productDays: [ProductDayFacts] = []
        var storeDays: [StoreDayFacts] = []
        var counts = [Int32](repeating: 0, count: shape.skus)
        for store in 0..<shape.stores {
            for offset in 0..<shape.days {
                let day = firstDay + Int32(offset)
                for _ in 0..<linesPerStoreDay { counts[alias.draw(&random)] += 1 }
                var revenue: Int64 = 0
                for sku in 0..<shape.skus where counts[sku] > 0 {
                    let amount = Int64(counts[sku]) * prices[sku]
                    productDays.append(ProductDayFacts(sku: Int32(sku), store: Int32(store), day: day,
                                                       qtyThousandths: Int64(counts[sku]) * 1000, revenue: amount))
                    revenue += amount
                    counts[sku] = 0
                }
                let dayReceipts = Int64(linesPerStoreDay / shape.linesPerReceipt)
                storeDays.append(StoreDayFacts(store: Int32(store), day: day, receipts: dayReceipts,
                                               loyaltyReceipts: Int64(Double(dayReceipts) * shape.loyaltyShare), subtotal: revenue,
                                               discount: revenue / 40, revenue: revenue - revenue / 40, refunds: revenue / 200,
                                               lines: Int64(linesPerStoreDay)))
            }
        }
        return AnalyticsFacts(stores: (0..<shape.stores).map { "H\($0 + 1)" }, skus: (0..<shape.skus).map { String(4_600_000_000_000 + $0) },
                              customers: customers, storeDays: storeDays, productDays: productDays, throughSeq: UInt64(receipts))
    }
}

private extension Array where Element == PurchaseDay {
    mutating func add(day: Int32, store: Int32, spend: Int64) {
        var i = count
        while i > 0 && self[i - 1].day > day { i -= 1 }
        if i > 0 && self[i - 1].day == day {
            self[i - 1].receipts += 1
            self[i - 1].spend += spend
        } else {
            insert(PurchaseDay(day: day, store: store, receipts: 1, spend: spend), at: i)
        }
    }
}

/// SplitMix64: small, fast, and the same sequence on every machine.
struct SplitMix {
    private var state: UInt64
    init(_ seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in 0..<n.
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// Vose's alias method: a draw from a fixed discrete distribution in constant time.
struct AliasTable {
    private var probability: [Double]
    private var alias: [Int32]

    init(zipf count: Int, exponent: Double) {
        let weights = (1...count).map { 1 / pow(Double($0), exponent) }
        let total = weights.reduce(0, +)
        var scaled = weights.map { $0 * Double(count) / total }
        probability = [Double](repeating: 1, count: count)
        alias = [Int32](repeating: 0, count: count)
        var small = scaled.indices.filter { scaled[$0] < 1 }
        var large = scaled.indices.filter { scaled[$0] >= 1 }
        while let s = small.popLast(), let l = large.last {
            probability[s] = scaled[s]
            alias[s] = Int32(l)
            scaled[l] -= 1 - scaled[s]
            if scaled[l] < 1 {
                large.removeLast()
                small.append(l)
            }
        }
    }

    func draw(_ random: inout SplitMix) -> Int {
        let column = random.below(probability.count)
        return random.unit() < probability[column] ? column : Int(alias[column])
    }
}
