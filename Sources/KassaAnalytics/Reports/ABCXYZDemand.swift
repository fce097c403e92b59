/// The weeks over which XYZ measures demand: whole 7-day blocks from the first day of the
/// period. Days after the last whole week (the 365th day of a year) count in revenue and ABC but
/// not in XYZ, so that a short last week does not look like a drop in demand; a period shorter
/// than a week is one (short) week.
struct DemandWeeks: Sendable {
    let firstDay: Int
    /// Weeks counted.
    let count: Int
    /// Days counted, from `firstDay`.
    let days: Int

    init(period: ClosedRange<Int>) {
        firstDay = period.lowerBound
        let whole = period.count / 7
        count = max(whole, 1)
        days = whole > 0 ? whole * 7 : period.count
    }

    /// The week of `day`, or nil outside the weeks counted.
    func week(_ day: Int) -> Int? {
        let offset = day - firstDay
        return offset >= 0 && offset < days ? offset / 7 : nil
    }
}

/// Revenue and weekly demand per item (SKU or customer) over a period: what ABC and XYZ are
/// computed from. Indexed by the item's index in the facts.
struct ItemDemand: Sendable {
    /// Whether the item has any fact in the period (only those are classified).
    var present: [Bool]
    /// Revenue in the period, minor units.
    var revenue: [Int64]
    /// Demand over the weeks counted (thousandths or minor units).
    var sum: [Int64]
    /// The coefficient of variation of weekly demand, nil without demand.
    var cv: [Double?]
    let weeks: DemandWeeks

    /// Mean weekly demand, in the units of the facts (thousandths or minor units).
    func meanWeekly(_ item: Int) -> Double { Double(sum[item]) / Double(weeks.count) }

    /// The coefficient of variation (population standard deviation / mean) of weekly demand
    /// whose sum is `sum` and sum of squares `sumOfSquares` over `weeks` weeks; nil when the
    /// item had no demand (its weekly demand sums to zero or less).
    static func coefficientOfVariation(sum: Int64, sumOfSquares: Int128, weeks: Int) -> Double? {
        guard sum > 0 else { return nil }
        // σ/μ = √(n·Σx² − (Σx)²) / Σx, exact up to the square root.
        let total = Int128(sum)
        let spread = max(Int128(weeks) * sumOfSquares - total * total, 0)
        return double(spread).squareRoot() / Double(sum)
    }

    /// `value` as the nearest Double, by halves: the generic conversion from Int128 costs more
    /// than the rest of the report.
    static func double(_ value: Int128) -> Double {
        if value >= Int128(Int64.min) && value <= Int128(Int64.max) { return Double(Int64(truncatingIfNeeded: value)) }
        let high = Int64(truncatingIfNeeded: value >> 64), low = UInt64(truncatingIfNeeded: value)
        return Double(high) * 0x1p64 + Double(low)
    }
}

extension ItemDemand {
    /// Products: revenue and weekly quantity (thousandths) from the product-days of the period
    /// and store. Each thread sums its part of the facts into a week-major matrix of its own (the
    /// facts of a day, which usually come together, touch neighbouring cells); the matrices are
    /// then added up.
    static func products(_ facts: AnalyticsFacts, period: ClosedRange<Int>, store: Int32?) -> ItemDemand {
        let skuCount = facts.skus.count
        let weeks = DemandWeeks(period: period)
        let parts = ReportParallel.map(ReportParallel.parts(facts.productDays.count)) { range in
            ProductWeeks(facts.productDays[range], skuCount: skuCount, period: period, weeks: weeks, store: store)
        }
        var total = parts[0]
        for part in parts.dropFirst() { total.add(part) }

        var sum = [Int64](repeating: 0, count: skuCount)
        var sumOfSquares = [Int128](repeating: 0, count: skuCount)
        for week in 0..<weeks.count {
            let row = week * skuCount
            for sku in 0..<skuCount {
                let quantity = total.weekly[row + sku]
                sum[sku] += quantity
                sumOfSquares[sku] += Int128(quantity) * Int128(quantity)
            }
        }
        let cv = (0..<skuCount).map { coefficientOfVariation(sum: sum[$0], sumOfSquares: sumOfSquares[$0], weeks: weeks.count) }
        return ItemDemand(present: total.present, revenue: total.revenue, sum: sum, cv: cv, weeks: weeks)
    }

    /// Customers: spend (after discounts, net of refunds) and weekly spend from their purchase
    /// days in the period, at the store asked for when one is; each thread takes a run of
    /// customers.
    static func customers(_ facts: AnalyticsFacts, period: ClosedRange<Int>, store: Int32?) -> ItemDemand {
        let weeks = DemandWeeks(period: period)
        let parts = ReportParallel.map(ReportParallel.parts(facts.customers.count)) { range in
            customerPart(facts.customers[range], period: period, weeks: weeks, store: store)
        }
        var demand = parts[0]
        for part in parts.dropFirst() {
            demand.present += part.present
            demand.revenue += part.revenue
            demand.sum += part.sum
            demand.cv += part.cv
        }
        return demand
    }

    private static func customerPart(_ customers: ArraySlice<CustomerFacts>, period: ClosedRange<Int>, weeks: DemandWeeks,
                                     store: Int32?) -> ItemDemand {
        var demand = ItemDemand(present: [], revenue: [], sum: [], cv: [], weeks: weeks)
        demand.present.reserveCapacity(customers.count)
        demand.revenue.reserveCapacity(customers.count)
        demand.sum.reserveCapacity(customers.count)
        demand.cv.reserveCapacity(customers.count)
        var weekly = [Int64](repeating: 0, count: weeks.count)
        var stamp = [Int](repeating: -1, count: weeks.count)  // the customer a week's cell holds
        var touched: [Int] = []
        let first = Int32(period.lowerBound), last = Int32(period.upperBound)
        for (index, customer) in customers.enumerated() {
            var present = false
            var revenue: Int64 = 0
            for day in customer.days where day.day >= first && day.day <= last && (store.map { day.store == $0 } ?? true) {
                revenue += day.spend
                present = true
                guard let week = weeks.week(Int(day.day)) else { continue }
                if stamp[week] != index {
                    stamp[week] = index
                    weekly[week] = 0
                    touched.append(week)
                }
                weekly[week] += day.spend
            }
            var sum: Int64 = 0
            var sumOfSquares: Int128 = 0
            for week in touched {
                sum += weekly[week]
                sumOfSquares += Int128(weekly[week]) * Int128(weekly[week])
            }
            touched.removeAll(keepingCapacity: true)
            demand.present.append(present)
            demand.revenue.append(revenue)
            demand.sum.append(sum)
            demand.cv.append(present ? coefficientOfVariation(sum: sum, sumOfSquares: sumOfSquares, weeks: weeks.count) : nil)
        }
        return demand
    }
}

/// One thread's sums of product-days: revenue per SKU and quantity per week and SKU.
struct ProductWeeks: Sendable {
    var present: [Bool]
    var revenue: [Int64]
    /// Week-major: `weekly[week × skuCount + sku]`.
    var weekly: [Int64]

    init(_ days: ArraySlice<ProductDayFacts>, skuCount: Int, period: ClosedRange<Int>, weeks: DemandWeeks, store: Int32?) {
        present = [Bool](repeating: false, count: skuCount)
        revenue = [Int64](repeating: 0, count: skuCount)
        weekly = [Int64](repeating: 0, count: weeks.count * skuCount)
        let first = Int32(period.lowerBound), last = Int32(period.upperBound)
        let weeksEnd = Int32(weeks.firstDay + weeks.days)  // the first day after the weeks counted
        let onlyStore = store ?? -1
        for fact in days where fact.day >= first && fact.day <= last && (onlyStore < 0 || fact.store == onlyStore) {
            let sku = Int(fact.sku)
            guard sku >= 0 && sku < skuCount else { continue }
            revenue[sku] += fact.revenue
            present[sku] = true
            if fact.day < weeksEnd { weekly[(Int(fact.day - first) / 7) * skuCount + sku] += fact.qtyThousandths }
        }
    }

    mutating func add(_ other: ProductWeeks) {
        for sku in present.indices {
            present[sku] = present[sku] || other.present[sku]
            revenue[sku] += other.revenue[sku]
        }
        for cell in weekly.indices { weekly[cell] += other.weekly[cell] }
    }
}
