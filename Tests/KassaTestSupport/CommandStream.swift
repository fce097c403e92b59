import KassaCore

/// Random but valid-looking command streams over a few customers, SKUs and terminals.
public struct CommandStream {
    public var random: SeededGenerator
    public var saleIds: [String] = []
    public var counter = 0
    public let cards = (0..<6).map { CardNumber("70000000000\($0)0")! }
    public let skus = [Fixture.milk, Fixture.meat, Fixture.bread, Fixture.sku("036000291452")]

    /// Also put rules documents in force now and then (for `RulesAwarePoints`).
    public var rules = false

    public init(seed: UInt64, rules: Bool = false) {
        random = SeededGenerator(seed: seed)
        self.rules = rules
    }

    public mutating func next() -> LedgerCommand {
        counter += 1
        let roll = Int.random(in: 0..<100, using: &random)
        if rules, roll < 3 {
            // Half the documents switch balance expiry on, and some repeat the one in force.
            let variant = Int.random(in: 0..<4, using: &random)
            return .replaceRules(RulesChange(document: "# test rules \(variant)" + (variant % 2 == 0 ? " expire" : ""), by: "stream"))
        }
        switch roll {
        case 0..<8:
            let card = cards.randomElement(using: &random)!
            return .enrol(Customer(card: card, phone: "+7900000000\(card.value % 10)", name: "C \(card)", enrolledAt: Fixture.morning))
        case 8..<60:
            let lines = (0..<Int.random(in: 1...5, using: &random)).map { _ in
                ReceiptLine(sku: skus.randomElement(using: &random)!, qty: Quantity(thousandths: Int64.random(in: 1...5000, using: &random)),
                            price: Int64.random(in: 0...20000, using: &random), category: Bool.random(using: &random) ? "meat" : nil)
            }
            let id = "S\(counter)"
            saleIds.append(id)
            let card = Bool.random(using: &random) ? cards.randomElement(using: &random) : nil
            return .sale(Fixture.receipt(id, customer: card, terminal: "T\(Int.random(in: 1...3, using: &random))", lines: lines))
        case 60..<75:
            guard let sale = saleIds.randomElement(using: &random) else { return .openShift(terminal: "T1") }
            let line = ReturnLine(sku: skus.randomElement(using: &random)!, qty: Quantity(thousandths: Int64.random(in: 1...3000, using: &random)))
            return .saleReturn(SaleReturn(id: "R\(counter)", sale: sale, store: "S1", terminal: "T1", cashier: "C1", at: Fixture.morning, lines: [line]))
        case 75..<82:
            guard let sale = saleIds.randomElement(using: &random) else { return .openShift(terminal: "T2") }
            return .void(SaleVoid(id: "V\(counter)", sale: sale, terminal: "T2", cashier: "C1", at: Fixture.morning))
        case 82..<88:
            return .closeShift(terminal: "T\(Int.random(in: 1...3, using: &random))")
        case 88..<94:
            return .upsertProducts([Product(sku: skus.randomElement(using: &random)!, name: "Молоко 3,2%", category: "dairy", price: 8990)])
        default:
            // A retry of an earlier sale id with a possibly different body.
            guard let id = saleIds.randomElement(using: &random) else { return .openShift(terminal: "T3") }
            return .sale(Fixture.receipt(id, lines: [Fixture.line(Fixture.milk, "1", 100)]))
        }
    }
}

