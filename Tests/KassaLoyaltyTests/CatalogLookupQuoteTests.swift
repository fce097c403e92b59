import Testing
import KassaCore
import KassaLoyalty
import KassaTestSupport

/// The engine takes a basket's catalog lookup made ahead of it (`CatalogLookup`) only when it
/// was made on the catalog the basket is priced on: the writer prices sales that way.
@Suite("A quote takes a catalog lookup only from its own catalog")
struct CatalogLookupQuoteTests {
    static let program = Store.program([.promotion("dairy-10", .percentOff(Target(categories: ["dairy"]), percentBasisPoints: 1_000))])

    @Test("the same catalog's lookup quotes alike; an earlier catalog's is not taken")
    func lookups() throws {
        let receipt = Store.basket([Store.line(Store.kefir, "2"), Store.line(Store.chips, "1"), Store.line(Store.milk, "1")])
        let plain = try Self.program.quote(receipt, customer: Store.customer(), catalog: Store.catalog, today: Store.today)
        let same = try Self.program.quote(receipt, customer: Store.customer(), catalog: Store.catalog, today: Store.today,
                                          lookup: CatalogLookup(receipt.lines, in: Store.catalog))
        #expect(same.priced == plain.priced && same.applied == plain.applied && same.nearMisses == plain.nearMisses)
        #expect(plain.priced.lines.map(\.discount) == [11_98, 0, 8_99])

        // Looked up before kefir was in the catalog: kefir was not known then, and is now.
        var early = Catalog()
        early.upsertLoaded(Store.catalog.all.filter { $0.sku != Store.kefir })
        let stale = CatalogLookup(receipt.lines, in: early)
        let later = try Self.program.quote(receipt, customer: Store.customer(), catalog: Store.catalog, today: Store.today, lookup: stale)
        #expect(later.priced == plain.priced)
        // What the earlier catalog itself gives, for contrast: no dairy discount on kefir.
        let before = try Self.program.quote(receipt, customer: Store.customer(), catalog: early, today: Store.today, lookup: stale)
        #expect(before.priced.lines.map(\.discount) == [0, 0, 8_99])
    }
}
