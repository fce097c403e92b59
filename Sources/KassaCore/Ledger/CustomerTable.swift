/// The enrolled customers with their aggregates, by card number.
///
/// Stored in shards of small dictionaries so that a copy of the Ledger (which the background
/// snapshot takes) is cheap, and the writer's next change copies one shard, not ten million
/// customers.
public struct CustomerTable: Hashable, Sendable {
    /// How many shards; a power of two.
    static let shardCount = 1024
    private var shards: [[CardNumber: CustomerAccount]]
    /// How many customers are enrolled.
    public private(set) var count = 0

    /// An empty table.
    public init() {
        shards = Array(repeating: [:], count: CustomerTable.shardCount)
    }

    @inline(__always)
    private static func shard(_ card: CardNumber) -> Int {
        // Fibonacci hashing spreads consecutive card numbers over every shard.
        Int(truncatingIfNeeded: (card.value &* 0x9E37_79B9_7F4A_7C15) >> 54) & (shardCount - 1)
    }

    /// The account of `card`, if enrolled.
    public func account(_ card: CardNumber) -> CustomerAccount? { shards[CustomerTable.shard(card)][card] }

    /// Every account, in no particular order.
    public var all: FlattenSequence<LazyMapSequence<[[CardNumber: CustomerAccount]], Dictionary<CardNumber, CustomerAccount>.Values>> {
        shards.lazy.map(\.values).joined()
    }

    /// Reserves room for `count` customers (bulk loads, recovery).
    public mutating func reserve(_ count: Int) {
        let each = count / CustomerTable.shardCount + 1
        for index in shards.indices { shards[index].reserveCapacity(each) }
    }

    /// Inserts or replaces an account (enrolment, and loading a snapshot).
    public mutating func insert(_ account: CustomerAccount) {
        let shard = CustomerTable.shard(account.profile.card)
        if shards[shard].updateValue(account, forKey: account.profile.card) == nil { count += 1 }
    }

    mutating func update(_ card: CardNumber, _ body: (inout CustomerAccount) -> Void) {
        let shard = CustomerTable.shard(card)
        guard let index = shards[shard].index(forKey: card) else { return }
        body(&shards[shard].values[index])
    }
}
