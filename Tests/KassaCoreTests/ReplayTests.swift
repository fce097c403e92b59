import Testing
import KassaCore

/// A small deterministic generator so that failures reproduce from the seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random but valid-looking command streams over a few customers, SKUs and terminals.
struct CommandStream {
    var random: SeededGenerator
    var saleIds: [String] = []
    var counter = 0
    let cards = (0..<6).map { CardNumber("70000000000\($0)0")! }
    let skus = [Fixture.milk, Fixture.meat, Fixture.bread, Fixture.sku("036000291452")]

    init(seed: UInt64) { random = SeededGenerator(seed: seed) }

    mutating func next() -> LedgerCommand {
        counter += 1
        let roll = Int.random(in: 0..<100, using: &random)
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

@Suite("Journal entries replay to the same ledger")
struct ReplayTests {
    @Test(arguments: [1, 2, 3, 42, 2026] as [UInt64])
    func replayingEncodedEntriesRebuildsTheLedger(seed: UInt64) throws {
        var live = Ledger()
        var replica = Ledger()
        var stream = CommandStream(seed: seed)
        var day = Fixture.morning
        for step in 0..<2000 {
            if step % 100 == 0 { day.epochMilliseconds += 3_600_000 }
            let outcome = live.apply(stream.next(), at: day, pricing: OnePercentPoints())
            guard case .applied(let entry, _) = outcome else { continue }
            let bytes = LedgerEntryCodec.encode(entry)
            let decoded = try LedgerEntryCodec.decode(seq: entry.seq, payload: bytes)
            #expect(decoded == entry)
            try replica.replay(decoded)
        }
        #expect(live.lastSeq > 500)
        #expect(replica == live)
        for account in live.customers.all { #expect(account.points >= 0) }
    }

    @Test func replayRefusesAGap() {
        var ledger = Ledger()
        let entry = LedgerEntry(seq: 2, at: Fixture.morning, event: .shiftOpened(terminal: "T1"))
        #expect(throws: LedgerReplayError.self) { try ledger.replay(entry) }
    }

    @Test func truncatedOrTrailingPayloadsAreRejected() throws {
        let entry = LedgerEntry(seq: 1, at: Fixture.morning, event: .customerEnrolled(Fixture.customer()))
        let bytes = LedgerEntryCodec.encode(entry)
        for cut in 0..<bytes.count {
            #expect(throws: DecodeError.self) { try LedgerEntryCodec.decode(seq: 1, payload: Array(bytes[0..<cut])) }
        }
        #expect(throws: DecodeError.self) { try LedgerEntryCodec.decode(seq: 1, payload: bytes + [0]) }
    }
}
