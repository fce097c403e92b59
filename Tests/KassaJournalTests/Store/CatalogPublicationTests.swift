import Foundation
import Synchronization
import Testing
import KassaCore
@testable import KassaJournal
import KassaTestSupport

/// Submitting threads look a sale's lines up in the catalog the writer last published
/// (`CatalogLookup`); a sale submitted while a catalog change is still waiting must be priced
/// on the catalog it is registered against, not on the one it was looked up in.
@Suite("The journal writer prices every sale on the catalog of its place in the journal")
struct CatalogPublicationTests {
    static let kefir = Fixture.sku("4600000000015")

    @Test("sales submitted around a catalog change get the category of the catalog before or after it, by their order")
    func salesAroundACatalogChange() async throws {
        let storage = try Storage.open(directory: temporaryDirectory("catalog-lookup"), pricing: ListPricing())
        defer { storage.stop() }
        guard case .done = await storage.committer.submit(.upsertProducts([Product(sku: Fixture.bread, name: "Хлеб", category: "bakery", price: 45_00)])) else {
            Issue.record("the first catalog was not taken")
            return
        }
        // Sales of kefir (not in the catalog yet), then the upsert that adds it, then more sales,
        // all submitted at once from this thread: the writer is still busy with the first ones
        // when the last are looked up, so those are looked up in the catalog without kefir.
        let before = 2_000, after = 200
        let settled = DispatchGroup()
        let refused = Mutex<[String]>([])
        func sale(_ id: String) -> LedgerCommand {
            .sale(Fixture.receipt(id, lines: [Fixture.line(Fixture.bread, "1", 45_00), Fixture.line(Self.kefir, "2", 59_90)]))
        }
        func submit(_ command: LedgerCommand, _ name: String) {
            settled.enter()
            storage.committer.submit(command) { outcome in
                if case .done = outcome {} else { refused.withLock { $0.append("\(name): \(outcome)") } }
                settled.leave()
            }
        }
        for index in 0..<before { submit(sale("B-\(index)"), "B-\(index)") }
        submit(.upsertProducts([Product(sku: Self.kefir, name: "Кефир", category: "chilled", price: 59_90)]), "upsert")
        for index in 0..<after { submit(sale("A-\(index)"), "A-\(index)") }
        // Waited for without blocking one of the test runner's threads.
        await withCheckedContinuation { done in settled.notify(queue: .global()) { done.resume() } }
        #expect(refused.withLock { $0 }.isEmpty)

        let categories = storage.committer.read { ledger in
            (before: (0..<before).map { ledger.receipts.sale("B-\($0)")?.lines.map(\.priced.category) },
             after: (0..<after).map { ledger.receipts.sale("A-\($0)")?.lines.map(\.priced.category) })
        }
        #expect(categories.before.allSatisfy { $0 == ["bakery", ""] }, "kefir was not in the catalog yet")
        #expect(categories.after.allSatisfy { $0 == ["bakery", "chilled"] }, "kefir was in the catalog by then")
        // Once the change is committed, sales are looked up in the catalog that has it.
        let generation = storage.committer.read { $0.catalog.generation }
        #expect(storage.committer.publishedCatalogGeneration == generation)
    }
}
