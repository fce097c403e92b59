import Testing
import KassaCore
import KassaTestSupport

@Suite("Imported sales history in the Ledger")
struct SalesImportLedgerTests {
    static let importID = "sales-test-1"

    static func imported(_ ordinal: UInt32, card: CardNumber? = Fixture.card(), at: String = "2025-03-14T10:00:00+03:00",
                         total: Int64 = 17980, lines: [ImportedLine] = [ImportedLine(sku: Fixture.milk, qty: Quantity(pieces: 2), price: 8990)],
                         importID: String = importID) -> ImportedSale {
        ImportedSale(importID: importID, ordinal: ordinal, id: "R\(ordinal)", store: "S1", at: Fixture.time(at), customer: card,
                     total: total, lines: lines)
    }

    @Test func anImportedSaleUpdatesTheAggregatesAndEarnsNoPoints() {
        var ledger = Ledger()
        _ = ledger.run(.enrol(Fixture.customer()))
        #expect(ledger.run(.importSale(Self.imported(0))) == .success(.saleImported(ordinal: 0, enrolled: false)))
        #expect(ledger.run(.importSale(Self.imported(1, at: "2025-03-20T09:00:00+03:00", total: 500, lines: []))) == .success(.saleImported(ordinal: 1, enrolled: false)))
        let account = ledger.customers.account(Fixture.card())
        #expect(account?.points == 0)
        #expect(account?.visits == 2)
        #expect(account?.lifetimeSpend == 18480)
        #expect(account?.firstVisitDay == Fixture.time("2025-03-14T10:00:00+03:00").localDay)
        #expect(account?.lastVisitDay == Fixture.time("2025-03-20T09:00:00+03:00").localDay)
        #expect(account?.recentDays.map(\.spend) == [17980, 500])
        #expect(ledger.stats.receipts == 2 && ledger.stats.importedReceipts == 2)
        #expect(ledger.stats.revenue == 18480 && ledger.stats.importedRevenue == 18480)
        #expect(ledger.stats.lines == 1 && ledger.stats.importedLines == 1)
        #expect(ledger.stats.pointsEarned == 0)
        // Not a till's sale: no shift, and not in the receipt index.
        #expect(ledger.shifts.isEmpty)
        #expect(ledger.receipts.sale("R0") == nil)
    }

    @Test func aCardNewToKassaIsEnrolledFromImportAtItsFirstPurchase() {
        var ledger = Ledger()
        let card = Fixture.card("7000000000017")
        #expect(ledger.run(.importSale(Self.imported(0, card: card))) == .success(.saleImported(ordinal: 0, enrolled: true)))
        #expect(ledger.run(.importSale(Self.imported(1, card: card, at: "2025-04-01T12:00:00+03:00"))) == .success(.saleImported(ordinal: 1, enrolled: false)))
        let account = ledger.customers.account(card)
        #expect(account?.profile.source == "import")
        #expect(account?.profile.enrolledAt == Fixture.time("2025-03-14T10:00:00+03:00"))
        #expect(account?.visits == 2)
        #expect(ledger.stats.customers == 1 && ledger.stats.importedCustomers == 1)
    }

    @Test func aReceiptWithoutACardCountsInTheTotalsOnly() {
        var ledger = Ledger()
        #expect(ledger.run(.importSale(Self.imported(0, card: nil))) == .success(.saleImported(ordinal: 0, enrolled: false)))
        #expect(ledger.customers.count == 0)
        #expect(ledger.stats.receipts == 1 && ledger.stats.revenue == 17980)
    }

    @Test func categorySpendComesFromTheCatalog() {
        var ledger = Ledger()
        _ = ledger.run(.upsertProducts([Product(sku: Fixture.milk, name: "Молоко", category: "dairy", price: 8990)]))
        let lines = [ImportedLine(sku: Fixture.milk, qty: Quantity(pieces: 2), price: 8990),
                     ImportedLine(sku: Fixture.bread, qty: Quantity(pieces: 1), price: 4500)]
        _ = ledger.run(.importSale(Self.imported(0, total: 22480, lines: lines)))
        #expect(ledger.customers.account(Fixture.card())?.categorySpend == [CategorySpend(category: "dairy", spend: 17980)])
    }

    @Test func aRepeatedReceiptOfAnImportIsADuplicate() {
        var ledger = Ledger()
        guard case .applied = ledger.apply(.importSale(Self.imported(0)), at: Fixture.morning, pricing: OnePercentPoints()) else {
            Issue.record("import refused")
            return
        }
        let before = ledger
        #expect(ledger.apply(.importSale(Self.imported(0)), at: Fixture.morning, pricing: OnePercentPoints())
                == .duplicate(.saleImported(ordinal: 0, enrolled: false)))
        #expect(ledger == before)
        // The same place in another import is another receipt.
        guard case .applied = ledger.apply(.importSale(Self.imported(0, importID: "sales-test-2")), at: Fixture.morning,
                                           pricing: OnePercentPoints()) else {
            Issue.record("second import refused")
            return
        }
        #expect(ledger.stats.importedReceipts == 2)
    }

    @Test func appliedReceiptsAreRememberedAsRuns() {
        var ledger = Ledger()
        for ordinal: UInt32 in [0, 1, 2, 5, 4, 3, 9] { _ = ledger.run(.importSale(Self.imported(ordinal))) }
        #expect(ledger.imports.applied[Self.importID] == [0..<6, 9..<10])
        #expect(ledger.imports.contains(Self.importID, 5) && !ledger.imports.contains(Self.importID, 6))
        #expect(ledger.imports.receipts(Self.importID) == 7)
    }

    @Test func linesThatDoNotAddUpToTheTotalAreRefused() {
        var ledger = Ledger()
        let result = ledger.run(.importSale(Self.imported(0, total: 17981)))
        guard case .failure(let error) = result else {
            Issue.record("accepted a total that is not the sum of its lines")
            return
        }
        #expect(error.field == "total")
        #expect(ledger == Ledger())
    }

    @Test func replayOfTheJournalRebuildsTheSameState() throws {
        var live = Ledger()
        var replica = Ledger()
        let commands: [LedgerCommand] = [
            .enrol(Fixture.customer()),
            .importSale(Self.imported(0)),
            .importSale(Self.imported(1, card: Fixture.card("7000000000017"))),
            .importSale(Self.imported(1, card: Fixture.card("7000000000017"))),
            .importSale(Self.imported(2, card: nil, total: 100, lines: [])),
            .sale(Fixture.receipt("S1", customer: Fixture.card(), lines: [Fixture.line(Fixture.milk, "1", 8990)])),
        ]
        for command in commands {
            guard case .applied(let entry, _) = live.apply(command, at: Fixture.morning, pricing: OnePercentPoints()) else { continue }
            let decoded = try LedgerEntryCodec.decode(seq: entry.seq, payload: LedgerEntryCodec.encode(entry))
            #expect(decoded == entry)
            try replica.replay(decoded)
        }
        #expect(live.lastSeq == 5)
        #expect(replica == live)
        #expect(replica.imports == live.imports)
    }

    @Test func theSnapshotKeepsTheImportsAndTheirTotals() throws {
        var ledger = Ledger()
        for ordinal: UInt32 in [0, 1, 3] { _ = ledger.run(.importSale(Self.imported(ordinal))) }
        _ = ledger.run(.importSale(Self.imported(0, importID: "sales-other")))
        var writer = BinaryWriter()
        writer.write(ledger.imports)
        writer.write(ledger.stats)
        let (imports, stats) = try writer.bytes.withUnsafeBytes { raw in
            var reader = BinaryReader(raw)
            let imports = try reader.readSalesImports()
            let stats = try reader.readStats()
            #expect(reader.isAtEnd)
            return (imports, stats)
        }
        #expect(imports == ledger.imports)
        #expect(stats == ledger.stats)
        var restored = Ledger()
        restored.load(customers: ledger.customers, catalog: ledger.catalog, shifts: ledger.shifts, stats: stats, imports: imports)
        restored.restore(lastSeq: ledger.lastSeq)
        #expect(restored.apply(.importSale(Self.imported(1)), at: Fixture.morning, pricing: OnePercentPoints())
                == .duplicate(.saleImported(ordinal: 1, enrolled: false)))
        guard case .applied = restored.apply(.importSale(Self.imported(2)), at: Fixture.morning, pricing: OnePercentPoints()) else {
            Issue.record("a receipt not yet imported was refused after the snapshot")
            return
        }
    }
}
