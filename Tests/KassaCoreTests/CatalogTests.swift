import Testing
@testable import KassaCore
import KassaTestSupport

@Suite("The catalog")
struct CatalogTests {
    @Test func upsertReplacesAndEqualityIgnoresOrder() {
        let milk = Product(sku: Fixture.milk, name: "Молоко", category: "dairy", price: 8990)
        let bread = Product(sku: Fixture.bread, name: "Хлеб", category: "bakery", price: 4500)
        var first = Catalog()
        first.upsert([milk, bread])
        var cheaper = milk
        cheaper.price = 7990
        first.upsert([cheaper])
        #expect(first.count == 2)
        #expect(first.product(Fixture.milk) == cheaper)
        #expect(first.category(of: Fixture.bread) == "bakery")
        #expect(first.product(Fixture.meat) == nil)
        var second = Catalog()
        second.upsert([bread, cheaper])
        #expect(first == second)
    }
}
