/// What a simulated store looks like and how busy it is. Every number here is a default that a
/// flag of `kassa loadtest` can change.
public struct Profile: Sendable, Equatable {
    public var name: String
    /// Hypermarkets sending to the one server.
    public var stores: Int
    /// Lanes (tills) in each store, self-checkout included.
    public var lanesPerStore: Int
    /// How many of those are self-checkout lanes (slower: customers scan their own goods).
    public var selfCheckoutLanes: Int
    /// Distinct goods on sale.
    public var skus: Int
    /// Loyalty members; they come back, some much more often than others.
    public var members: Int
    /// Share of receipts that carry a loyalty card.
    public var cardShare: Double
    /// Share of visits that are a return of an earlier sale's lines.
    public var returnShare: Double
    /// Share of visits that cancel an earlier sale as a whole.
    public var voidShare: Double
    /// Mean number of lines on a receipt; the count is log-normal around it.
    public var basketMean: Double
    /// Spread of the logarithm of the basket size.
    public var basketSigma: Double
    /// How skewed the goods' popularity is (Zipf exponent over the SKUs by rank).
    public var skuSkew: Double
    /// How skewed members' visits are (Zipf exponent over members): regulars come back often.
    public var memberSkew: Double
    /// A staff card lookup after every this many receipts of a lane.
    public var lookupEvery: Int
    /// A lane closes its shift (Z-report) after this many receipts.
    public var shiftReceipts: Int
    /// Seconds a staffed lane takes per customer at the busiest hour.
    public var laneSecondsPerReceipt: Double
    /// Seconds a self-checkout lane takes per customer at the busiest hour.
    public var selfCheckoutSecondsPerReceipt: Double

    /// Lanes in all stores.
    public var lanes: Int { stores * lanesPerStore }

    /// Receipts per second of the whole profile at its busiest real hour.
    public var realRate: Double {
        let staffed = Double(lanesPerStore - selfCheckoutLanes) / laneSecondsPerReceipt
        let selfService = Double(selfCheckoutLanes) / selfCheckoutSecondsPerReceipt
        return Double(stores) * (staffed + selfService)
    }

    /// A large hypermarket: 80 lanes (20 of them self-checkout), 40,000 goods, 300,000 members.
    public static let hypermarket = Profile(
        name: "hypermarket", stores: 1, lanesPerStore: 80, selfCheckoutLanes: 20, skus: 40_000, members: 300_000,
        cardShare: 0.45, returnShare: 0.03, voidShare: 0.005, basketMean: 28, basketSigma: 0.7, skuSkew: 1.0,
        memberSkew: 0.6, lookupEvery: 50, shiftReceipts: 400, laneSecondsPerReceipt: 60, selfCheckoutSecondsPerReceipt: 120)

    /// `stores` hypermarkets of one chain against one node. Members are the chain's and shop at
    /// any of its stores, so the member base stays the hypermarket's.
    public static func chain(stores: Int) -> Profile {
        var profile = hypermarket
        profile.name = "chain"
        profile.stores = stores
        return profile
    }

    /// A small store for quick runs and `make test`: 8 lanes, 2,000 goods, 2,000 members, and a
    /// lane that serves a customer every 2 seconds so a short run sees returns and voids.
    public static let small = Profile(
        name: "small", stores: 1, lanesPerStore: 8, selfCheckoutLanes: 2, skus: 2_000, members: 2_000,
        cardShare: 0.45, returnShare: 0.03, voidShare: 0.005, basketMean: 28, basketSigma: 0.7, skuSkew: 1.0,
        memberSkew: 0.6, lookupEvery: 50, shiftReceipts: 40, laneSecondsPerReceipt: 2, selfCheckoutSecondsPerReceipt: 4)

    /// The profile named on the command line, or nil.
    public static func named(_ name: String, stores: Int?) -> Profile? {
        switch name {
        case "hypermarket": return hypermarket
        case "chain": return chain(stores: stores ?? 10)
        case "small": return small
        default: return nil
        }
    }
}
