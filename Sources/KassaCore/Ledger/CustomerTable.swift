/// The enrolled customers with their aggregates, by card number.
///
/// Ten million customers must fit in a few gigabytes, so accounts are not kept as
/// `CustomerAccount` values (about 210 bytes each plus a heap string, and two small arrays once
/// the customer buys). Each shard holds a dense array of fixed 96-byte `CustomerRecord`s, an
/// open-addressing index from card to record, and the profile text of all its customers in one
/// byte arena; per-day activity and category spend are varint-packed into a few bytes per
/// customer (inside the record when they fit, else in a small array), with categories numbered
/// in a table shared by every shard. Accounts are
/// materialized on the way out (`account(_:)`, `all`).
///
/// Stored in shards so that a copy of the Ledger (which the background snapshot takes) is
/// cheap, and the writer's next change copies one shard, not ten million customers.
public struct CustomerTable: Hashable, Sendable {
    /// How many shards; a power of two.
    static let shardCount = 1024
    private var shards: [CustomerShard]
    /// Category names by number, for the packed category spend.
    private var categories = InternTable<String>()
    /// The number in `categories` of each string of the receipt index's table that a sale's
    /// spend was named by (`update(_:addingSpend:named:_:)`), −1 where none was yet: a sale
    /// with a card numbered each of its categories by interning its name, hashing and comparing
    /// the string, on every sale (a twentieth of recovery's recording thread). Valid for the
    /// one table of names the Ledger passes; `forgetNamedCategories()` drops it when this
    /// table is loaded into another Ledger.
    private var categoryOfName: [Int] = []
    /// How many customers are enrolled.
    public private(set) var count = 0

    /// An empty table.
    public init() {
        shards = Array(repeating: CustomerShard(), count: CustomerTable.shardCount)
    }

    @inline(__always)
    private static func shard(_ card: CardNumber) -> Int {
        // Fibonacci hashing spreads consecutive card numbers over every shard.
        Int(truncatingIfNeeded: (card.value &* 0x9E37_79B9_7F4A_7C15) >> 54) & (shardCount - 1)
    }

    /// The account of `card`, if enrolled.
    public func account(_ card: CardNumber) -> CustomerAccount? {
        let shard = shards[CustomerTable.shard(card)]
        return shard.index(of: card).map { shard.account(at: $0, categories: categories) }
    }

    /// The account of `card` as pricing sees it: every aggregate and the profile's card,
    /// birthdate and enrolment time, but no name, phone, source or category spend. Pricing reads
    /// none of those, and leaving them out saves decoding text and two allocations on every
    /// sale and quote with a card.
    public func pricingAccount(_ card: CardNumber) -> CustomerAccount? {
        let shard = shards[CustomerTable.shard(card)]
        return shard.index(of: card).map { shard.pricingAccount(at: $0) }
    }

    /// Every account, in no particular order.
    public var all: some Sequence<CustomerAccount> {
        let categories = categories
        return shards.lazy.flatMap { shard in
            shard.records.indices.lazy.map { shard.account(at: $0, categories: categories) }
        }
    }

    /// Reserves room for `count` customers (bulk loads, recovery).
    public mutating func reserve(_ count: Int) {
        let each = count / CustomerTable.shardCount + 1
        for index in shards.indices { shards[index].reserve(each) }
    }

    /// Inserts or replaces an account (enrolment, and loading a snapshot).
    public mutating func insert(_ account: CustomerAccount) {
        let shard = CustomerTable.shard(account.profile.card)
        let activity = CustomerTable.pack(account.recentDays, account.categorySpend, categories: &categories)
        if shards[shard].insert(account, activity: activity) { count += 1 }
    }

    /// Runs `body` on the aggregates of `card`, if enrolled.
    mutating func update(_ card: CardNumber, _ body: (inout CustomerAggregates) -> Void) {
        let shard = CustomerTable.shard(card)
        guard let index = shards[shard].index(of: card) else { return }
        var aggregates = shards[shard].aggregates(at: index, categories: categories)
        body(&aggregates)
        let activity = CustomerTable.pack(aggregates.recentDays, aggregates.categorySpend, categories: &categories)
        shards[shard].setAggregates(aggregates, activity: activity, at: index)
    }

    /// What a sale changes for `card`, if enrolled: `body` gets the aggregates without their
    /// category spend, and each of `nets` (categories numbered in `names`) is added to it.
    ///
    /// The category spend stays packed and is added to by number: unpacking it made a string of
    /// every category the customer ever bought, compared them with the sale's by text, and
    /// numbered them all again to pack them, on every sale with a card.
    mutating func update(_ card: CardNumber, addingSpend nets: [CategoryNet], named names: InternTable<String>,
                         _ body: (inout CustomerAggregates) -> Void) {
        let shard = CustomerTable.shard(card)
        guard let index = shards[shard].index(of: card) else { return }
        var aggregates = shards[shard].aggregates(at: index, categories: nil)
        body(&aggregates)
        let activity = CustomerTable.pack(aggregates.recentDays, spendIn: shards[shard].records[index].activity,
                                          adding: nets, named: names, categories: &categories, known: &categoryOfName)
        shards[shard].setAggregates(aggregates, activity: activity, at: index)
    }

    /// Tables are equal when they hold equal accounts, however they are laid out.
    public static func == (lhs: CustomerTable, rhs: CustomerTable) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.all.allSatisfy { rhs.account($0.profile.card) == $0 }
    }

    /// Hashes part of what `==` compares.
    public func hash(into hasher: inout Hasher) { hasher.combine(count) }

    /// Per-day activity and category spend as varints: day count, then each day as the
    /// difference from the previous one, visits and spend; category count, then each category's
    /// number and spend. Empty when there is neither.
    static func pack(_ days: [DayActivity], _ spend: [CategorySpend], categories: inout InternTable<String>) -> [UInt8] {
        packed(days, spendCount: spend.count) { w in
            for entry in spend {
                w.writeVarint(UInt64(categories.intern(entry.category)))
                w.writeVarint(entry.spend)
            }
        }
    }

    /// The bytes of `pack`: the days, then `spendCount` categories, which `writeSpend` writes
    /// (each category's number and spend).
    @inline(__always)
    private static func packed(_ days: [DayActivity], spendCount: Int, _ writeSpend: (inout FixedBufferWriter) -> Void) -> [UInt8] {
        guard !days.isEmpty || spendCount > 0 else { return [] }
        // Every varint at its longest: two counts, three a day, two a category. Written in
        // scratch memory and copied out once, at its exact size: one allocation a customer
        // update instead of a growing writer's and the copy's.
        let varint = FixedBufferWriter.varintBytesMax
        let bound = (2 + days.count * 3 + spendCount * 2) * varint
        return withUnsafeTemporaryAllocation(byteCount: bound, alignment: 8) { raw in
            var w = FixedBufferWriter(raw)
            write(days, into: &w)
            w.writeVarint(UInt64(spendCount))
            writeSpend(&w)
            return [UInt8](w.written)
        }
    }

    /// `pack(days, spend)` where `spend` is the category spend packed in `packed` with `nets`
    /// added (a new category after the others, in the order of `nets`), without making strings
    /// of the categories already packed.
    static func pack(_ days: [DayActivity], spendIn packed: CustomerActivity, adding nets: [CategoryNet],
                     named names: InternTable<String>, categories: inout InternTable<String>, known: inout [Int]) -> [UInt8] {
        let result: Result<[UInt8], DecodeError> = packed.withBytes { raw in
            Result { () throws(DecodeError) in
                var r = BinaryReader(raw)
                var held = 0
                if !raw.isEmpty {
                    // Past the days: they are given anew.
                    for _ in 0..<(try r.readCount()) {
                        _ = try r.readSignedVarint()
                        _ = try r.readInt32()
                        _ = try r.readSignedVarint()
                    }
                    held = try r.readCount()
                }
                return try withUnsafeTemporaryAllocation(of: (number: Int, spend: Int64).self, capacity: held + nets.count) {
                    (spend) throws(DecodeError) -> [UInt8] in
                    for index in 0..<held { spend[index] = (Int(try r.readVarint()), try r.readSignedVarint()) }
                    var count = held
                    for net in nets {
                        let number = CustomerTable.number(ofName: net.category, in: names, categories: &categories, known: &known)
                        if let at = (0..<count).first(where: { spend[$0].number == number }) {
                            spend[at].spend += net.spend
                        } else {
                            spend[count] = (number, net.spend)
                            count += 1
                        }
                    }
                    return pack(days, numberedSpend: UnsafeBufferPointer(rebasing: spend[0..<count]))
                }
            }
        }
        switch result {
        case .success(let bytes): return bytes
        case .failure(let error):
            preconditionFailure("a customer's packed activity does not decode (\(error)); memory can no longer be trusted")
        }
    }

    /// The number in `categories` of the string numbered `name` in `names`, interned the first
    /// time and remembered in `known` (by `name`) after.
    @inline(__always)
    private static func number(ofName name: Int, in names: InternTable<String>, categories: inout InternTable<String>,
                               known: inout [Int]) -> Int {
        if name < known.count, known[name] >= 0 { return known[name] }
        let number = categories.intern(names[name])
        if name >= known.count { known.append(contentsOf: repeatElement(-1, count: name + 1 - known.count)) }
        known[name] = number
        return number
    }

    /// Forgets which category each name of the Ledger's receipt index stands for: the table is
    /// going into a Ledger whose names may be numbered otherwise.
    mutating func forgetNamedCategories() { categoryOfName = [] }

    /// `pack` of spend by category numbers already in the table.
    private static func pack(_ days: [DayActivity], numberedSpend spend: UnsafeBufferPointer<(number: Int, spend: Int64)>) -> [UInt8] {
        packed(days, spendCount: spend.count) { w in
            for entry in spend {
                w.writeVarint(UInt64(entry.number))
                w.writeVarint(entry.spend)
            }
        }
    }

    /// The days of `pack`: their count, then each day as the difference from the previous one,
    /// visits and spend.
    private static func write(_ days: [DayActivity], into w: inout FixedBufferWriter) {
        w.writeVarint(UInt64(days.count))
        var previous: Int64 = 0
        for day in days {
            w.writeVarint(Int64(day.day) - previous)
            previous = Int64(day.day)
            w.writeVarint(Int64(day.visits))
            w.writeVarint(day.spend)
        }
    }

    /// What `pack` packed; without `categories` the days only (pricing reads no category spend).
    static func unpack(_ raw: UnsafeRawBufferPointer, categories: InternTable<String>?) -> ([DayActivity], [CategorySpend]) {
        guard !raw.isEmpty else { return ([], []) }
        var r = BinaryReader(raw)
        let result = Result { () throws(DecodeError) -> ([DayActivity], [CategorySpend]) in
            var previous: Int64 = 0
            let days = try r.readArray { (r: inout BinaryReader) throws(DecodeError) in
                previous += try r.readSignedVarint()
                return DayActivity(day: Int32(truncatingIfNeeded: previous), visits: try r.readInt32(), spend: try r.readSignedVarint())
            }
            guard let categories else { return (days, []) }
            let spend = try r.readArray { (r: inout BinaryReader) throws(DecodeError) in
                CategorySpend(category: categories[Int(try r.readVarint())], spend: try r.readSignedVarint())
            }
            return (days, spend)
        }
        switch result {
        case .success(let value): return value
        case .failure(let error):
            preconditionFailure("a customer's packed activity does not decode (\(error)); memory can no longer be trusted")
        }
    }
}
