import Testing
@testable import KassaLoadTest

@Suite("A lane's recent sales")
struct RecentSalesTests {
    func sale(_ number: Int) -> VisitSchedule.RecentSale {
        VisitSchedule.RecentSale(draft: SaleDraft(id: "s\(number)", store: "H01", terminal: "H01-T01", cashier: "C1", customer: nil, lines: []))
    }

    @Test("keeps the latest sales oldest first, as a list that drops its first when full does")
    func keepsTheLatest() {
        var ring = RecentSales(capacity: 5)
        var list: [VisitSchedule.RecentSale] = []
        for number in 0..<23 {
            ring.append(sale(number))
            list.append(sale(number))
            if list.count > 5 { list.removeFirst() }
            #expect(ring.count == list.count)
            #expect((0..<ring.count).map { ring[$0].draft.id } == list.map(\.draft.id))
        }
    }

    @Test("a sale changed in place stays where it is until it is the oldest dropped")
    func changesInPlace() {
        var ring = RecentSales(capacity: 3)
        for number in 0..<4 { ring.append(sale(number)) }
        ring[1].voided = true
        #expect(ring[1].draft.id == "s2" && ring[1].voided)
        ring.append(sale(4))
        #expect(ring[0].draft.id == "s2" && ring[0].voided)
        ring.append(sale(5))
        #expect((0..<ring.count).allSatisfy { !ring[$0].voided })
    }
}
