import Testing
@testable import KassaAnalytics

@Suite("ABC/XYZ classes without the rows")
struct ABCXYZClassesTests {
    @Test func classesAreTheReportsRowsInTheSameOrder() {
        var productDays: [ProductDayFacts] = []
        for sku in 0..<12 {
            for day in 0..<28 where (sku + day) % (1 + sku % 4) == 0 {
                productDays.append(ProductDayFacts(sku: Int32(sku), store: 0, day: Int32(1000 + day),
                                                   qtyThousandths: Int64(1000 * (1 + sku)), revenue: Int64(100 * (12 - sku) * (1 + day % 3))))
            }
        }
        let facts = AnalyticsFacts(stores: ["S1"], skus: (0..<12).map { "SKU\($0)" }, productDays: productDays)
        let query = ReportQuery(from: 1000, to: 1027, asOf: 1027)
        let table = ABCXYZReport.compute(facts, query, subject: .products)
        let classes = ABCXYZReport.classes(facts, query, subject: .products)
        #expect(table.rows.count == 12 && classes.items.count == 12)
        for (position, item) in classes.items.enumerated() {
            #expect(table.value("sku", row: position) == .text(facts.skus[Int(item)]))
            #expect(table.value("abc", row: position) == .text(["A", "B", "C"][Int(classes.abc[position])]))
            #expect(table.value("xyz", row: position) == .text(["X", "Y", "Z"][Int(classes.xyz[position])]))
        }
    }
}
