/// Activity of one customer on one local day: the unit of rolling-window eligibility.
public struct DayActivity: Hashable, Sendable {
    /// Local day (days since 1970-01-01).
    public var day: Int32
    /// Receipts that day (net of fully returned or voided ones).
    public var visits: Int32
    /// Spend that day after discounts, net of refunds, in minor units.
    public var spend: Int64

    /// One day's activity.
    public init(day: Int32, visits: Int32, spend: Int64) {
        self.day = day
        self.visits = visits
        self.spend = spend
    }
}

/// Lifetime spend in one category.
public struct CategorySpend: Hashable, Sendable {
    /// The category.
    public var category: String
    /// Spend after discounts, net of refunds, in minor units.
    public var spend: Int64

    /// A category total.
    public init(category: String, spend: Int64) {
        self.category = category
        self.spend = spend
    }
}

/// A customer with the aggregates loyalty eligibility needs, kept current by every sale,
/// return and void.
public struct CustomerAccount: Hashable, Sendable {
    /// Who the customer is.
    public var profile: Customer
    /// Points balance; never negative.
    public var points: Int64 = 0
    /// Receipts over the customer's lifetime (fully returned or voided ones taken back).
    public var visits: Int32 = 0
    /// Lifetime spend after discounts, net of refunds, in minor units.
    public var lifetimeSpend: Int64 = 0
    /// Local day of the first purchase.
    public var firstVisitDay: Int32?
    /// Local day of the latest purchase.
    public var lastVisitDay: Int32?
    /// Per-day activity over the retention window, oldest first.
    public var recentDays: [DayActivity] = []
    /// Lifetime spend per category, in the order categories first appeared.
    public var categorySpend: [CategorySpend] = []

    /// A newly enrolled customer with no purchases.
    public init(profile: Customer) { self.profile = profile }

    /// Spend over the `days` local days ending with `today` (today included).
    public func spend(lastDays days: Int32, today: Int32) -> Int64 {
        var total: Int64 = 0
        for entry in recentDays.reversed() {
            guard entry.day > today - days else { break }
            if entry.day <= today { total += entry.spend }
        }
        return total
    }

    /// Receipts over the `days` local days ending with `today`.
    public func visits(lastDays days: Int32, today: Int32) -> Int32 {
        var total: Int32 = 0
        for entry in recentDays.reversed() {
            guard entry.day > today - days else { break }
            if entry.day <= today { total += entry.visits }
        }
        return total
    }

    /// Adds spend and visits to `day` (see `Array.record(day:visits:spend:retentionDays:)`).
    mutating func record(day: Int32, visits deltaVisits: Int32, spend deltaSpend: Int64, retentionDays: Int32) {
        recentDays.record(day: day, visits: deltaVisits, spend: deltaSpend, retentionDays: retentionDays)
    }

    /// Adds spend to `category`.
    mutating func record(category: String, spend delta: Int64) {
        categorySpend.record(category: category, spend: delta)
    }
}

/// The aggregates of a customer that sales, returns and voids change: an account without its
/// profile, which the customer table keeps apart.
struct CustomerAggregates {
    var points: Int64
    var visits: Int32
    var lifetimeSpend: Int64
    var firstVisitDay: Int32?
    var lastVisitDay: Int32?
    var recentDays: [DayActivity]
    var categorySpend: [CategorySpend]

    /// Adds spend and visits to `day`.
    mutating func record(day: Int32, visits deltaVisits: Int32, spend deltaSpend: Int64, retentionDays: Int32) {
        recentDays.record(day: day, visits: deltaVisits, spend: deltaSpend, retentionDays: retentionDays)
    }

    /// Adds spend to `category`.
    mutating func record(category: String, spend delta: Int64) {
        categorySpend.record(category: category, spend: delta)
    }
}

extension Array where Element == DayActivity {
    /// Adds spend and visits to `day`, keeping days ordered and dropping those older than the
    /// retention window before `day`.
    mutating func record(day: Int32, visits deltaVisits: Int32, spend deltaSpend: Int64, retentionDays: Int32) {
        if let last = self.last, last.day == day {
            self[count - 1].visits += deltaVisits
            self[count - 1].spend += deltaSpend
        } else if let index = lastIndex(where: { $0.day == day }) {
            self[index].visits += deltaVisits
            self[index].spend += deltaSpend
        } else if day > (self.last?.day ?? Int32.min) {
            append(DayActivity(day: day, visits: deltaVisits, spend: deltaSpend))
        } else {
            // A late return or void against a day we no longer keep (or never had) only moves
            // lifetime totals; inserting an old day keeps the order.
            let position = firstIndex(where: { $0.day > day }) ?? endIndex
            if position > 0 || (first.map { day > $0.day - retentionDays } ?? true) {
                insert(DayActivity(day: day, visits: deltaVisits, spend: deltaSpend), at: position)
            }
        }
        let newest = self.last?.day ?? day
        var drop = 0
        while drop < count, self[drop].day <= newest - retentionDays { drop += 1 }
        if drop > 0 { removeFirst(drop) }
    }
}

extension Array where Element == CategorySpend {
    /// Adds spend to `category`, appending it when new.
    mutating func record(category: String, spend delta: Int64) {
        // Every sale line with a net amount comes here: comparing lengths first skips most
        // calls into String's slower path for unequal strings.
        let length = category.utf8.count
        if let index = firstIndex(where: { $0.category.utf8.count == length && $0.category == category }) {
            self[index].spend += delta
        } else {
            append(CategorySpend(category: category, spend: delta))
        }
    }
}
