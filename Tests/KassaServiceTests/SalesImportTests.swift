import Foundation
import KassaAnalytics
import KassaCore
import Testing

@Suite("kassa import sales: the CSV and its checks")
struct SalesImportTests {
    static let now = RFC3339.parse("2026-11-22T10:15:00+03:00")!

    static func parse(_ text: String, store: String = "") -> Result<SalesImport.File, SalesImport.Failure> {
        var options = SalesImport.Options(now: now)
        options.defaultStore = store
        return SalesImport.parse(Array(text.utf8), options: options)
    }

    static func errors(_ text: String) -> [String] {
        guard case .failure(let failure) = parse(text) else { return [] }
        return failure.errors.map(\.description)
    }

    // MARK: - CSV

    @Test func quotedFieldsDoubledQuotesCRLFAndAByteOrderMarkAreRead() throws {
        var reader = CSVReader(Array("\u{FEFF}a,\"b,c\",\"say \"\"hi\"\"\"\r\n\r\n\"two\nlines\",x,\n".utf8))
        #expect(try reader.next() == CSVReader.Record(line: 1, fields: ["a", "b,c", "say \"hi\""]))
        #expect(try reader.next() == CSVReader.Record(line: 3, fields: ["two\nlines", "x", ""]))
        #expect(try reader.next() == nil)
    }

    @Test func aQuoteInsideAnUnquotedFieldIsRefusedAndReadingGoesOn() throws {
        var reader = CSVReader(Array("a,b\"c\nd,e\n".utf8))
        #expect(throws: CSVReader.Problem.self) { try reader.next() }
        reader.skipRecord()
        #expect(try reader.next()?.fields == ["d", "e"])
    }

    @Test func recordsAreBoundedInLengthAndFields() {
        var limits = CSVReader.Limits()
        limits.recordBytesMax = 16
        limits.fieldsMax = 3
        var long = CSVReader(Array((String(repeating: "x", count: 40) + "\n").utf8), limits: limits)
        #expect(throws: CSVReader.Problem.self) { try long.next() }
        var wide = CSVReader(Array("a,b,c,d\n".utf8), limits: limits)
        #expect(throws: CSVReader.Problem.self) { try wide.next() }
    }

    @Test func anUnclosedQuoteNamesTheLineItOpensOn() {
        #expect(Self.errors("customer,at,total\n,2025-01-01,5\n\",2025-01-01,5\n") == [
            "line 3: a quoted field is not closed before the end of the file",
        ])
    }

    // MARK: - Receipts

    @Test func rowsWithTheSameIdAreTheLinesOfOneReceipt() throws {
        let file = try Self.parse("""
            id,customer,at,total,sku,qty,price,store
            R2,7000123456789,2025-03-15,41452,2100001000011,0.755,54903,S2
            R1,7000123456789,2025-03-14T10:00:00+03:00,17980,4607001234562,2,8990,S1
            R1,7000123456789,2025-03-14T10:00:00+03:00,500,46012340,,,S1

            """).get()
        #expect(file.sales.count == 2 && file.lines == 3 && file.rows == 3 && file.cards == 1)
        // In time order, numbered in that order.
        #expect(file.sales.map(\.id) == ["R1", "R2"])
        #expect(file.sales.map(\.ordinal) == [0, 1])
        #expect(file.sourceLines == [3, 2])
        #expect(file.sales[0].total == 18480 && file.sales[0].store == "S1")
        #expect(file.sales[0].lines == [ImportedLine(sku: try SKU(validating: "4607001234562"), qty: Quantity(pieces: 2), price: 8990),
                                        ImportedLine(sku: try SKU(validating: "46012340"), qty: Quantity(pieces: 1), price: 500)])
        // A date is that day, whatever the zone.
        #expect(file.sales[1].at.localDate == LocalDate(iso: "2025-03-15"))
        #expect(file.importID.hasPrefix("sales-"))
    }

    @Test func withoutAnIdEveryRowIsAReceiptAndTheStoreDefaults() throws {
        let file = try Self.parse("customer,at,total\n7000123456789,2025-01-01,100\n,2025-01-02,200\n", store: "S9").get()
        #expect(file.sales.map(\.total) == [100, 200])
        #expect(file.sales.map(\.customer) == [CardNumber("7000123456789"), nil])
        #expect(file.sales.allSatisfy { $0.store == "S9" && $0.lines.isEmpty })
        #expect(Set(file.sales.map(\.id)).count == 2)
    }

    @Test func theSameFileHasTheSameImportId() throws {
        let text = "customer,at,total\n7000123456789,2025-01-01,100\n"
        #expect(try Self.parse(text).get().importID == (try Self.parse(text).get().importID))
        #expect(try Self.parse(text).get().importID != (try Self.parse(text + ",2025-01-02,5\n").get().importID))
    }

    // MARK: - Errors

    @Test func unknownAndMissingColumnsAreNamed() {
        #expect(Self.errors("customer,when,total\n") == [
            "line 1: column 'when': unknown column; the columns are customer, at, total, id, store, terminal, sku, qty, price",
            "line 1: column 'at': missing from the header; customer, at and total are required",
        ])
    }

    @Test func everyBadCellIsReportedWithItsLineAndColumn() {
        let errors = Self.errors("""
            customer,at,total
            12,2025-13-01,89.90
            7000123456789,2099-01-01,-5
            7000123456789,2025-01-01
            7000123456789,2025-01-01,10

            """)
        #expect(errors == [
            "line 2: column 'customer': '12' is not a card number (6–19 digits); leave it empty for a receipt without a card",
            "line 2: column 'at': '2025-13-01' is not a date (YYYY-MM-DD) or an RFC 3339 time (2025-03-14T10:15:00+03:00)",
            "line 2: column 'total': '89.90' is not a whole number of minor units (8990 for 89.90)",
            "line 3: column 'at': '2099-01-01' is in the future (now is 2026-11-22T10:15:00+03:00)",
            "line 3: column 'total': '-5' is negative; returns are not imported",
            "line 4: has 2 fields but the header has 3",
        ])
    }

    @Test func rowsOfOneReceiptMustAgreeAndIdsMayNotComeBack() {
        let errors = Self.errors("""
            id,customer,at,total,store
            A,7000123456789,2025-01-01,5,S1
            A,7000123456780,2025-01-02,5,S2
            B,,2025-01-01,1,S1
            A,7000123456789,2025-01-01,1,S1

            """)
        #expect(errors == [
            "line 3: column 'customer': receipt 'A' (line 2) has customer 7000123456789",
            "line 3: column 'at': receipt 'A' (line 2) is at 2025-01-01T00:00:00Z",
            "line 3: column 'store': receipt 'A' (line 2) is of store 'S1'",
            "line 5: column 'id': receipt 'A' already appeared on line 2; the rows of a receipt must be next to each other",
        ])
    }

    @Test func aLinesTotalMustBeQtyTimesPrice() {
        let errors = Self.errors("""
            customer,at,total,sku,qty,price
            ,2025-01-01,41451,2100001000011,0.755,54903
            ,2025-01-01,100,4607001234563,1,100
            ,2025-01-01,100,,2,
            ,2025-01-01,100,4607001234562,2,

            """)
        #expect(errors == [
            "line 2: column 'total': 41451 is not qty × price (0.755 × 54903 = 41452); an imported line carries no discount",
            "line 3: column 'sku': '4607001234563' has a wrong GS1 check digit (expected 2)",
            "line 4: column 'sku': empty, but the row has a qty or a price; a line needs its sku",
            "line 5: column 'price': empty; a line whose qty is not 1 needs its price",
        ])
    }

    @Test func reportingStopsAtTheErrorLimit() {
        var text = "customer,at,total\n"
        for _ in 0..<150 { text += "x,2025-01-01,1\n" }
        var options = SalesImport.Options(now: Self.now)
        options.errorsMax = 100
        guard case .failure(let failure) = SalesImport.parse(Array(text.utf8), options: options) else {
            Issue.record("accepted bad cards")
            return
        }
        #expect(failure.errors.count == 100 && failure.truncated)
    }
}
