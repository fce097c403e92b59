import Testing
import KassaCore
import KassaTestSupport

/// A sale's lines may be looked up in the catalog on the submitting thread (`CatalogLookup`,
/// carried in its `SalePrecheck`); the writer takes that lookup only when its own catalog is the
/// one it was made on, so a sale is always priced on the catalog it is registered against.
@Suite("A sale's catalog lookup is taken only from the catalog it is priced on")
struct CatalogLookupTests {
    static let kefir = Fixture.sku("4600000000015")

    static func catalog(_ products: [Product]) -> Catalog {
        var catalog = Catalog()
        catalog.upsertLoaded(products)
        return catalog
    }

    static let bread = Product(sku: Fixture.bread, name: "Хлеб", category: "bakery", price: 45_00)
    static let milk = Product(sku: Fixture.milk, name: "Молоко", category: "dairy", price: 89_90)
    static let kefirProduct = Product(sku: kefir, name: "Кефир", category: "chilled", price: 59_90)

    /// Lines without a category of their own: pricing takes the catalog's.
    static let lines = [Fixture.line(Fixture.bread, "2", 45_00), Fixture.line(kefir, "1", 59_90), Fixture.line(Fixture.milk, "3", 89_90)]

    static func categories(_ priced: PricedSale) -> [String] { priced.lines.map(\.category) }

    @Test("a lookup made on the same catalog prices as the catalog does, and is what pricing reads")
    func sameCatalog() throws {
        let catalog = Self.catalog([Self.bread, Self.milk, Self.kefirProduct])
        let receipt = Fixture.receipt("S-1", lines: Self.lines)
        let lookup = CatalogLookup(receipt.lines, in: catalog)
        #expect(lookup.generation == catalog.generation && lookup.lineCount == 3)
        let plain = try ListPricing().price(receipt, customer: nil, catalog: catalog, rules: nil, today: receipt.at.localDay)
        let looked = try ListPricing().price(receipt, customer: nil, catalog: catalog, rules: nil, today: receipt.at.localDay, lookup: lookup)
        #expect(looked == plain)
        #expect(Self.categories(looked) == ["bakery", "chilled", "dairy"])

        // Pricing reads the lookup rather than the lines: handed the lookup of other lines of the
        // same count (which the Ledger never does), it answers for those lines' products.
        var other = receipt
        other.lines = [Self.lines[2], Self.lines[0], Self.lines[1]]
        let misused = try ListPricing().price(other, customer: nil, catalog: catalog, rules: nil, today: other.at.localDay, lookup: lookup)
        #expect(Self.categories(misused) == ["bakery", "chilled", "dairy"])
    }

    @Test("a lookup made on an earlier catalog, or of another basket's size, is not taken")
    func otherCatalogOrSize() throws {
        let early = Self.catalog([Self.bread, Self.milk])
        var late = early
        late.upsertLoaded([Self.kefirProduct])
        #expect(late.generation != early.generation)
        let receipt = Fixture.receipt("S-1", lines: Self.lines)
        let stale = CatalogLookup(receipt.lines, in: early)
        let priced = try ListPricing().price(receipt, customer: nil, catalog: late, rules: nil, today: receipt.at.localDay, lookup: stale)
        #expect(Self.categories(priced) == ["bakery", "chilled", "dairy"], "kefir is in the catalog the sale is priced on")

        let shorter = CatalogLookup(Array(receipt.lines.prefix(2)), in: late)
        let sized = try ListPricing().price(receipt, customer: nil, catalog: late, rules: nil, today: receipt.at.localDay, lookup: shorter)
        #expect(Self.categories(sized) == ["bakery", "chilled", "dairy"])
    }

    @Test("the Ledger records a sale checked against an earlier catalog with the catalog it is registered on")
    func ledgerTakesOnlyItsOwnCatalogsLookup() throws {
        var ledger = Ledger()
        _ = ledger.run(.upsertProducts([Self.bread, Self.milk]))
        let receipt = Fixture.receipt("S-1", lines: Self.lines)
        // Checked on the submitting thread while kefir was not yet in the catalog ...
        let precheck = SalePrecheck(receipt, limits: ledger.limits, catalog: ledger.catalog)
        // ... and decided after the upsert that added it.
        _ = ledger.run(.upsertProducts([Self.kefirProduct]))
        guard case .record(let entry) = ledger.prepare(.sale(receipt), at: Fixture.morning, pricing: ListPricing(), precheck: precheck),
              case .sale(let record) = ledger.commit(entry) else {
            Issue.record("the sale was not accepted")
            return
        }
        #expect(record.lines.map(\.priced.category) == ["bakery", "chilled", "dairy"])
        #expect(ledger.receipts.sale("S-1")?.lines.map(\.priced.category) == ["bakery", "chilled", "dairy"])

        // On an unchanged catalog the precheck's lookup gives what the Ledger's own does.
        var second = receipt
        second.id = "S-2"
        let current = SalePrecheck(second, limits: ledger.limits, catalog: ledger.catalog)
        guard case .record(let secondEntry) = ledger.prepare(.sale(second), at: Fixture.morning, pricing: ListPricing(), precheck: current),
              case .sale(let secondRecord) = ledger.commit(secondEntry) else {
            Issue.record("the second sale was not accepted")
            return
        }
        #expect(secondRecord.lines.map(\.priced) == record.lines.map(\.priced))
    }
}
