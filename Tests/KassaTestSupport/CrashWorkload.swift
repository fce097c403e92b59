import KassaCore

/// The command stream of one producer in the crash tests: deterministic from (run, producer),
/// and built so that every command succeeds whatever the interleaving with other producers:
/// each producer enrols its own customers, sells with fresh ids, and returns or voids only its
/// own earlier sales within what is left. The acknowledged commands of all producers therefore
/// give the same aggregates in any order, which is what lets a test recompute them.
///
/// The producer submits command `k + 1` only after command `k` was answered, so the stream
/// assumes every earlier command was applied.
public struct CrashWorkload {
    public let run: Int
    public let producer: Int
    private var random: SeededGenerator
    private var k = 0
    private var cards: [CardNumber] = []
    private var sales: [(id: String, lines: [ReceiptLine], returned: [Int64], voided: Bool)] = []
    private static let skus = [Fixture.milk, Fixture.meat, Fixture.bread, Fixture.sku("036000291452")]

    public init(run: Int, producer: Int) {
        self.run = run
        self.producer = producer
        random = SeededGenerator(seed: UInt64(run) &* 1_000_003 &+ UInt64(producer))
    }

    /// The id prefix of everything this stream creates.
    public var prefix: String { "r\(run)p\(producer)" }

    /// The next command and its index (1, 2, ...).
    public mutating func next() -> (index: Int, command: LedgerCommand) {
        k += 1
        let roll = Int.random(in: 0..<100, using: &random)
        if cards.isEmpty || roll < 5 {
            // Card numbers unique per (run, producer, k).
            let number: UInt64 = 7_000_000_000_000 + UInt64(run) * 10_000_000 + UInt64(producer) * 100_000 + UInt64(k)
            let card = CardNumber(String(number))!
            cards.append(card)
            return (k, .enrol(Customer(card: card, phone: "+7900\(run)\(producer)\(k)", name: "Покупатель \(prefix)-\(k)",
                                       birthdate: nil, source: "crash-test", enrolledAt: Fixture.morning)))
        }
        if roll < 15, let index = sales.indices.filter({ !sales[$0].voided }).randomElement(using: &random) {
            let sale = sales[index]
            let line = Int.random(in: 0..<sale.lines.count, using: &random)
            let left = sale.lines[line].qty.thousandths - sale.returned[line]
            if left > 0 {
                let qty = Int64.random(in: 1...left, using: &random)
                sales[index].returned[line] += qty
                return (k, .saleReturn(SaleReturn(id: "\(prefix)-R\(k)", sale: sale.id, store: "S1", terminal: "T\(producer % 4)",
                                                  cashier: "C1", at: Fixture.morning,
                                                  lines: [ReturnLine(sku: sale.lines[line].sku, qty: Quantity(thousandths: qty))])))
            }
        }
        if roll < 20, let index = sales.indices.filter({ !sales[$0].voided && sales[$0].returned.allSatisfy { $0 == 0 } }).randomElement(using: &random) {
            sales[index].voided = true
            return (k, .void(SaleVoid(id: "\(prefix)-V\(k)", sale: sales[index].id, terminal: "T\(producer % 4)", cashier: "C1", at: Fixture.morning)))
        }
        // Different SKUs per line, so a return names its line unambiguously.
        let count = Int.random(in: 1...Self.skus.count, using: &random)
        let lines = Self.skus.shuffled(using: &random).prefix(count).map { sku in
            ReceiptLine(sku: sku, qty: Quantity(thousandths: Int64.random(in: 1...4000, using: &random)),
                        price: Int64.random(in: 1...50_000, using: &random), category: Bool.random(using: &random) ? "dairy" : nil)
        }
        let id = "\(prefix)-S\(k)"
        sales.append((id, Array(lines), Array(repeating: 0, count: lines.count), false))
        let card = Bool.random(using: &random) ? cards.randomElement(using: &random) : nil
        return (k, .sale(Receipt(id: id, store: "S1", terminal: "T\(producer % 4)", cashier: "C1", at: Fixture.morning,
                                 customer: card, lines: Array(lines), payments: [])))
    }
}

extension LedgerCommand {
    /// Whether the Ledger holds this command's effect (for commands the crash workload makes).
    public func isRecorded(in ledger: borrowing Ledger) -> Bool {
        switch self {
        case .enrol(let customer): return ledger.customers.account(customer.card) != nil
        case .sale(let receipt): return ledger.receipts.sale(receipt.id) != nil
        case .saleReturn(let request): return ledger.receipts.saleReturn(request.id) != nil
        case .void(let request): return ledger.receipts.void(request.id) != nil
        default: return false
        }
    }
}
