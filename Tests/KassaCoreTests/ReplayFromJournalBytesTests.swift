import Testing
import KassaCore
import KassaTestSupport

/// `OnePercentPoints` with rules, plus a discount and two rule ids on every other line and a
/// tier for card holders: the parts of a sale that list pricing leaves empty.
struct DiscountingPoints: SalePricing {
    func validate(rules document: String) throws(LedgerError) { try RulesAwarePoints().validate(rules: document) }

    func price(_ receipt: Receipt, customer: CustomerAccount?, catalog: Catalog, rules: RulesRecord?,
               today: Int32) throws(LedgerError) -> PricedSale {
        var priced = try RulesAwarePoints().price(receipt, customer: customer, catalog: catalog, rules: rules, today: today)
        for index in priced.lines.indices where index % 2 == 0 {
            priced.lines[index].discount = priced.lines[index].amount / 10
            priced.lines[index].rules = ["ten-off", "rule-\(index % 3)"]
        }
        priced.tier = customer == nil ? nil : "silver"
        return priced
    }
}

@Suite("A ledger replayed from journal bytes equals the one that applied the entries")
struct ReplayFromJournalBytesTests {
    /// Sales the command stream does not make: plain and odd-length codes, a long category,
    /// payments by other methods.
    static func unusualSale(_ number: Int, card: CardNumber?) -> LedgerCommand {
        let lines = [
            Fixture.line(Fixture.milk, "1", 500),
            Fixture.line(Fixture.sku("PLU-17"), "0.755", 12_990, category: "household-chemicals-and-cleaning"),
            Fixture.line(Fixture.sku("0001234"), "2", 100, category: "meat"),
            Fixture.line(Fixture.sku("12345678901234567890"), "1", 0),
        ]
        return .sale(Fixture.receipt("U\(number)", customer: card, terminal: "T9", lines: lines))
    }

    /// Applies a mixed stream (enrolments, sales with and without cards, returns, voids,
    /// shifts, catalog and rules changes) and gives every journaled entry.
    static func journal(seed: UInt64, count: Int) -> (Ledger, [LedgerEntry]) {
        var live = Ledger()
        var stream = CommandStream(seed: seed, rules: true)
        var entries: [LedgerEntry] = []
        var day = Fixture.morning
        for step in 0..<count {
            if step % 100 == 0 { day.epochMilliseconds += 3_600_000 }
            let command = step % 17 == 5 ? unusualSale(step, card: step % 2 == 0 ? stream.cards[step % 6] : nil) : stream.next()
            guard case .applied(let entry, _) = live.apply(command, at: day, pricing: DiscountingPoints()) else { continue }
            if case .saleRegistered(let sale) = entry.event, sale.id.hasPrefix("U") { stream.saleIds.append(sale.id) }
            entries.append(entry)
        }
        return (live, entries)
    }

    /// A ledger with the fixture's customer that applied `receipts` as sales, and their entries;
    /// nil (with the issue recorded) when one is refused.
    static func appliedSales(_ receipts: [Receipt]) -> (Ledger, [LedgerEntry])? {
        var live = Ledger()
        _ = live.run(.enrol(Fixture.customer()))
        var entries: [LedgerEntry] = []
        for receipt in receipts {
            guard case .applied(let entry, _) = live.apply(.sale(receipt), at: Fixture.morning, pricing: DiscountingPoints()) else {
                Issue.record("sale \(receipt.id) refused")
                return nil
            }
            entries.append(entry)
        }
        return (live, entries)
    }

    /// A ledger with the fixture's customer that replayed `entries` from their bytes, each
    /// decoded just before it is replayed, all by one decoder.
    static func replayedFromBytes(_ entries: [LedgerEntry]) throws -> Ledger {
        var replica = Ledger()
        _ = replica.run(.enrol(Fixture.customer()))
        var decoder = ReplayDecoder()
        for entry in entries {
            try replica.replay(try LedgerEntryCodec.encode(entry).withUnsafeBytes { try decoder.decode(seq: entry.seq, payload: $0) })
        }
        return replica
    }

    @Test(arguments: [1, 2, 3, 42] as [UInt64])
    func replayingSalesFromTheirBytesRebuildsTheLedger(seed: UInt64) throws {
        let (live, entries) = ReplayFromJournalBytesTests.journal(seed: seed, count: 2_000)
        var replica = Ledger()
        var sales = 0, unusual = 0
        for entry in entries {
            let replayed = try LedgerEntryCodec.decodeForReplay(seq: entry.seq, payload: LedgerEntryCodec.encode(entry))
            if case .sale(let sale) = replayed {
                sales += 1
                if sale.id.hasPrefix("U") { unusual += 1 }
            }
            try replica.replay(replayed)
        }
        #expect(sales > 500 && unusual > 50)
        #expect(live.stats.pointsExpired > 0 && live.receipts.allSales.contains { $0.voided || $0.hasReturns })
        #expect(replica == live)
    }

    @Test func oneDecoderPacksSalesIntoManyArenasAndEachReplaysAfterwards() throws {
        let receipts = (0..<4_000).map { number in
            let lines = (0..<30).map { Fixture.line(number % 3 == 0 ? Fixture.milk : Fixture.sku("PLU-\($0)"), "1", Int64(100 + $0), category: "c\($0 % 7)") }
            return Fixture.receipt("S\(number)", customer: number % 2 == 0 ? Fixture.card() : nil, lines: lines)
        }
        guard let (live, entries) = Self.appliedSales(receipts) else { return }
        // Everything decoded before anything is replayed: every sale keeps its arena.
        var decoder = ReplayDecoder()
        let decoded = try entries.map { entry in
            try LedgerEntryCodec.encode(entry).withUnsafeBytes { payload in try decoder.decode(seq: entry.seq, payload: payload) }
        }
        var replica = Ledger()
        _ = replica.run(.enrol(Fixture.customer()))
        for entry in decoded { try replica.replay(entry) }
        #expect(replica == live)
    }

    @Test func stringsAtTheEdgesOfTheCacheKeyAndLongVarintsReplay() throws {
        // Categories of 7, 8, 16 and 17 bytes (one word, two words, the longest key, too long
        // for a key), a long one and a non-ASCII one met again on later lines, and prices
        // whose varints take four bytes or more.
        let categories = ["seven77", "eight888", "sixteen-16-bytes", "seventeen-17-byte", "household-chemicals-and-cleaning", "молочка"]
        let receipts = (0..<40).map { number in
            let lines = (0..<12).map { index in
                Fixture.line(index % 2 == 0 ? Fixture.milk : Fixture.sku("PLU-\(index)"), "1", Int64(9_000_000 + 1_000 * index + number),
                             category: categories[(index + number) % categories.count])
            }
            return Fixture.receipt("E\(number)", customer: number % 2 == 0 ? Fixture.card() : nil, lines: lines)
        }
        guard let (live, entries) = Self.appliedSales(receipts) else { return }
        #expect(try Self.replayedFromBytes(entries) == live)
    }

    @Test func aSaleWithMoreStringsThanTheDecoderSlotsReplays() throws {
        // 150 lines over 100 categories, each met again later in the sale: more strings than
        // the reading thread keeps in its per-sale slots, so the later ones are searched for.
        let receipts = (0..<3).map { number in
            let lines = (0..<150).map { index in
                Fixture.line(Fixture.sku("PLU-\(index)"), "1", Int64(100 + index), category: "cat\((index * 7 + number) % 100)")
            }
            return Fixture.receipt("M\(number)", customer: Fixture.card(), lines: lines)
        }
        guard let (live, entries) = Self.appliedSales(receipts) else { return }
        #expect(try Self.replayedFromBytes(entries) == live)
    }

    @Test func theReceiptIndexRestoredFromBytesEqualsTheOneFromDecodedEntries() throws {
        let (_, entries) = ReplayFromJournalBytesTests.journal(seed: 7, count: 1_000)
        var fromBytes = Ledger(), decoded = Ledger()
        for entry in entries {
            fromBytes.restoreIndex(try LedgerEntryCodec.decodeForReplay(seq: entry.seq, payload: LedgerEntryCodec.encode(entry)))
            decoded.restoreIndex(entry)
        }
        #expect(fromBytes.receipts.count > 300)
        #expect(fromBytes == decoded)
    }

    @Test func aSaleCutShortOrWithTrailingBytesIsRejected() throws {
        var ledger = Ledger()
        _ = ledger.run(.enrol(Fixture.customer()))
        guard case .applied(let entry, _) = ledger.apply(ReplayFromJournalBytesTests.unusualSale(1, card: Fixture.card()),
                                                         at: Fixture.morning, pricing: DiscountingPoints())
        else { Issue.record("sale refused"); return }
        let bytes = LedgerEntryCodec.encode(entry)
        for cut in 0..<bytes.count {
            #expect(throws: DecodeError.self) { try LedgerEntryCodec.decodeForReplay(seq: entry.seq, payload: Array(bytes[0..<cut])) }
        }
        #expect(throws: DecodeError.self) { try LedgerEntryCodec.decodeForReplay(seq: entry.seq, payload: bytes + [0]) }
        var unknown = bytes
        unknown[0] = 3
        #expect(throws: DecodeError.self) { try LedgerEntryCodec.decodeForReplay(seq: entry.seq, payload: unknown) }
    }

    @Test func aSaleOfFormatOneReplaysWithNothingExpired() throws {
        var live = Ledger()
        _ = live.run(.enrol(Fixture.customer()))
        guard case .applied(let entry, _) = live.apply(ReplayFromJournalBytesTests.unusualSale(1, card: Fixture.card()),
                                                       at: Fixture.morning, pricing: DiscountingPoints())
        else { Issue.record("sale refused"); return }
        var old = LedgerEntryCodec.encode(entry)
        old[0] = 1
        old.removeLast()
        var replica = Ledger()
        _ = replica.run(.enrol(Fixture.customer()))
        try replica.replay(try LedgerEntryCodec.decodeForReplay(seq: entry.seq, payload: old))
        #expect(replica == live)
    }

    @Test func replayFromBytesRefusesAGap() throws {
        var ledger = Ledger()
        _ = ledger.run(.enrol(Fixture.customer()))
        guard case .applied(let entry, _) = ledger.apply(ReplayFromJournalBytesTests.unusualSale(1, card: nil),
                                                         at: Fixture.morning, pricing: DiscountingPoints())
        else { Issue.record("sale refused"); return }
        var empty = Ledger()
        let replayed = try LedgerEntryCodec.decodeForReplay(seq: entry.seq, payload: LedgerEntryCodec.encode(entry))
        #expect(throws: LedgerReplayError.self) { try empty.replay(replayed) }
    }
}
