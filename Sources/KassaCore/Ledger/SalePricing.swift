/// A priced receipt line: what the customer pays for it and which rules made the price.
public struct PricedLine: Hashable, Sendable {
    /// `qty × price`, rounded half-up.
    public var amount: Int64
    /// Discount on the line, in minor units (0 ≤ discount ≤ amount).
    public var discount: Int64
    /// The ids of the rules that gave the discount.
    public var rules: [String]
    /// The category the line counts under (the till's, else the catalog's, else empty).
    public var category: String

    /// A priced line.
    public init(amount: Int64, discount: Int64, rules: [String], category: String) {
        self.amount = amount
        self.discount = discount
        self.rules = rules
        self.category = category
    }

    /// What the customer pays for the line.
    public var net: Int64 { amount - discount }
}

/// The outcome of pricing a basket for a customer: per-line discounts and points.
public struct PricedSale: Hashable, Sendable {
    /// One entry per receipt line, in order.
    public var lines: [PricedLine]
    /// Points the sale earns.
    public var pointsEarned: Int64
    /// Points the sale spends (from the `points` payment).
    public var pointsSpent: Int64
    /// Points of the customer's balance that had expired and are written off with this sale.
    public var pointsExpired: Int64
    /// The version of the rules that priced it.
    public var rulesVersion: UInt32
    /// The customer's tier after the sale, when the rules have tiers.
    public var tier: String?

    /// A priced sale.
    public init(lines: [PricedLine], pointsEarned: Int64, pointsSpent: Int64, pointsExpired: Int64 = 0,
                rulesVersion: UInt32, tier: String?) {
        self.lines = lines
        self.pointsEarned = pointsEarned
        self.pointsSpent = pointsSpent
        self.pointsExpired = pointsExpired
        self.rulesVersion = rulesVersion
        self.tier = tier
    }

    /// Sum of line amounts before discounts.
    public var subtotal: Int64 { lines.reduce(0) { $0 + $1.amount } }
    /// Sum of line discounts.
    public var discount: Int64 { lines.reduce(0) { $0 + $1.discount } }
    /// What the customer pays.
    public var total: Int64 { subtotal - discount }
}

/// Prices a receipt for a customer on the Ledger's state; the loyalty engine implements it.
///
/// Implementations must be pure: the same receipt, customer, catalog, rules and day give the
/// same result, because a quote and the sale that follows must agree, and a rules change must
/// price by the new document from the next command on.
public protocol SalePricing: Sendable {
    /// Prices `receipt` for `customer` (nil without a card) under `rules` (nil: none were ever
    /// put in force) on the local day `today`. The account carries the aggregates and the
    /// profile's card, birthdate and enrolment time; name, phone, source and category spend are
    /// left empty (`CustomerTable.pricingAccount`).
    func price(_ receipt: Receipt, customer: CustomerAccount?, catalog: Catalog, rules: RulesRecord?,
               today: Int32) throws(LedgerError) -> PricedSale

    /// `price` with the receipt's lines already looked up in a catalog (`CatalogLookup`), which
    /// it may take instead of looking them up in `catalog` when it was read from that one. The
    /// result is the same.
    func price(_ receipt: Receipt, customer: CustomerAccount?, catalog: Catalog, rules: RulesRecord?,
               today: Int32, lookup: CatalogLookup?) throws(LedgerError) -> PricedSale

    /// Checks a rules document before it is journaled; throws what is wrong with it.
    func validate(rules document: String) throws(LedgerError)
}

extension SalePricing {
    /// Pricing that looks the lines up itself.
    public func price(_ receipt: Receipt, customer: CustomerAccount?, catalog: Catalog, rules: RulesRecord?,
                      today: Int32, lookup: CatalogLookup?) throws(LedgerError) -> PricedSale {
        try price(receipt, customer: customer, catalog: catalog, rules: rules, today: today)
    }
}

/// Pricing without a loyalty programme: shelf prices, no discounts, no points earned; a points
/// payment spends one point per `minorUnitsPerPoint`.
public struct ListPricing: SalePricing {
    /// Money value of one point in minor units (100: one point is one rouble).
    public var minorUnitsPerPoint: Int64

    /// List pricing.
    public init(minorUnitsPerPoint: Int64 = 100) {
        self.minorUnitsPerPoint = minorUnitsPerPoint
    }

    /// List pricing has no rules to put in force.
    public func validate(rules document: String) throws(LedgerError) {
        throw LedgerError(.invalidField, "this ledger prices at list prices and takes no loyalty rules", field: "rules")
    }

    /// Shelf prices and the points a `points` payment spends; `rules` are not read.
    public func price(_ receipt: Receipt, customer: CustomerAccount?, catalog: Catalog, rules: RulesRecord?,
                      today: Int32) throws(LedgerError) -> PricedSale {
        try price(receipt, customer: customer, catalog: catalog, rules: rules, today: today, lookup: nil)
    }

    /// Shelf prices, taking the lines' catalog lookup from `lookup` when it was read from `catalog`.
    public func price(_ receipt: Receipt, customer: CustomerAccount?, catalog: Catalog, rules: RulesRecord?,
                      today: Int32, lookup: CatalogLookup?) throws(LedgerError) -> PricedSale {
        var lines: [PricedLine] = []
        let count = receipt.lines.count
        lines.reserveCapacity(count)
        var overflow: Int?
        // The basket's products looked up together, which overlaps their cache misses.
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: count) { numbers in
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: count) { hashes in
                catalog.productNumbers(of: receipt.lines, into: numbers, hashes: hashes, lookup: lookup)
                // The posted lines read where they lie: indexing the array copies each line.
                receipt.lines.withUnsafeBufferPointer { posted in
                    for index in 0..<count {
                        guard let amount = posted[index].qty.amount(price: posted[index].price) else {
                            overflow = index
                            return
                        }
                        let number = Int(numbers[index])
                        let category = posted[index].category ?? (number >= 0 ? catalog.category(ofNumber: number) : "")
                        lines.append(PricedLine(amount: amount, discount: 0, rules: [], category: category))
                    }
                }
            }
        }
        if let index = overflow {
            throw LedgerError(.amountOverflow, "qty × price does not fit in a minor-unit amount", field: "lines[\(index)]")
        }
        let spent = try PointsPayment.points(in: receipt.payments, minorUnitsPerPoint: minorUnitsPerPoint)
        return PricedSale(lines: lines, pointsEarned: 0, pointsSpent: spent, rulesVersion: 0, tier: nil)
    }
}

/// Reading the points payment of a receipt, shared by every pricing.
public enum PointsPayment {
    /// Points spent by the `points` payments of a receipt; their amount must be whole points.
    public static func points(in payments: [Payment], minorUnitsPerPoint: Int64) throws(LedgerError) -> Int64 {
        var spent: Int64 = 0
        for (index, payment) in payments.enumerated() where payment.method == .points {
            guard payment.amount % minorUnitsPerPoint == 0 else {
                throw LedgerError(.invalidField,
                                  "a points payment must be a whole number of points (one point is \(minorUnitsPerPoint) minor units)",
                                  field: "payments[\(index)].amount")
            }
            spent += payment.amount / minorUnitsPerPoint
        }
        return spent
    }
}

/// A quote's pricing, kept so that the sale which follows it can take it instead of pricing the
/// same basket again on the journal writer.
///
/// Tills quote a basket and then post it as a sale, moments later and on the same connection.
/// Pricing is pure (`SalePricing`), so the quote's result is the sale's when every input is the
/// same: the basket (store, card, day and lines), no points payment on either (points are the
/// one payment pricing reads), the customer's account, the catalog and the rules. The first are
/// compared when the sale is submitted (`SalePrecheck`), the state's on the writer
/// (`Ledger.decideSale`); anything different and the sale is priced afresh.
///
/// A class: every command waiting for the writer carries a precheck, and this inline made each
/// of them some two hundred bytes larger to copy and destroy, which the writer felt.
public final class QuotedPricing: Sendable {
    let store: String
    let customer: CardNumber?
    let today: Int32
    let lines: [ReceiptLine]
    /// The account the quote was priced for, as `CustomerTable.pricingAccount` gave it.
    let account: CustomerAccount?
    let catalogGeneration: UInt64
    let rulesVersion: UInt32?
    let priced: PricedSale

    /// What `pricing.price` gave for `receipt`, priced on `ledger`'s state for `account` (what
    /// `Ledger.checkBasket(receipt)` returned) on the receipt's own day; nil when the receipt
    /// pays with points or carries a lane's pricing.
    public init?(_ receipt: Receipt, account: CustomerAccount?, on ledger: borrowing Ledger, priced: PricedSale) {
        guard receipt.lanePricing == nil, !QuotedPricing.paysWithPoints(receipt) else { return nil }
        store = receipt.store
        customer = receipt.customer
        today = receipt.at.localDay
        lines = receipt.lines
        self.account = account
        catalogGeneration = ledger.catalog.generation
        rulesVersion = ledger.rules?.version
        self.priced = priced
    }

    /// Whether `receipt` is the basket this was priced for: the part of the comparison that
    /// needs no state.
    func prices(_ receipt: Receipt) -> Bool {
        receipt.lanePricing == nil && receipt.store == store && receipt.customer == customer
            && receipt.at.localDay == today && !QuotedPricing.paysWithPoints(receipt) && receipt.lines == lines
    }

    /// Whether the state pricing reads is still the one the quote was priced on.
    func holds(account: CustomerAccount?, catalog: Catalog, rules: RulesRecord?) -> Bool {
        catalog.generation == catalogGeneration && rules?.version == rulesVersion && account == self.account
    }

    private static func paysWithPoints(_ receipt: Receipt) -> Bool {
        receipt.payments.contains { $0.method == .points }
    }
}
