/// The enrolled customers with their aggregates, by card number.
public struct CustomerTable: Hashable, Sendable {
    private var accounts: [CardNumber: CustomerAccount] = [:]

    /// An empty table.
    public init() {}

    /// How many customers are enrolled.
    public var count: Int { accounts.count }

    /// The account of `card`, if enrolled.
    public func account(_ card: CardNumber) -> CustomerAccount? { accounts[card] }

    /// Every account, in no particular order.
    public var all: Dictionary<CardNumber, CustomerAccount>.Values { accounts.values }

    /// Reserves room for `count` customers (bulk loads, recovery).
    public mutating func reserve(_ count: Int) { accounts.reserveCapacity(count) }

    mutating func insert(_ account: CustomerAccount) { accounts[account.profile.card] = account }

    mutating func update(_ card: CardNumber, _ body: (inout CustomerAccount) -> Void) {
        guard let index = accounts.index(forKey: card) else { return }
        body(&accounts.values[index])
    }
}
