import Foundation
import NIOCore
import Testing
@testable import KassaLoadTest

@Suite("Load test workload")
struct WorkloadTests {
    func visits(seed: UInt64, count: Int, rate: Double? = 10) -> [Visit] {
        var schedule = VisitSchedule(workload: Workload(profile: .small, seed: seed, runTag: "t"), rate: rate)
        return (0..<count).map { _ in schedule.next() }
    }

    @Test("the same seed gives the same catalog, members and visits; another seed does not")
    func deterministic() {
        #expect(visits(seed: 7, count: 2_000) == visits(seed: 7, count: 2_000))
        #expect(visits(seed: 7, count: 200) != visits(seed: 8, count: 200))
        #expect(GeneratedCatalog(count: 500, seed: 3).products == GeneratedCatalog(count: 500, seed: 3).products)
        #expect(GeneratedMembers(count: 10, seed: 3).member(4) == GeneratedMembers(count: 10, seed: 3).member(4))
    }

    @Test("baskets average 28 lines, 45 % carry a card, returns and voids come at their shares")
    func shares() {
        let all = visits(seed: 1, count: 40_000)
        var lines = 0, checkouts = 0, carded = 0, returns = 0, voids = 0, closes = 0
        for visit in all {
            switch visit.kind {
            case .checkout(let sale, _):
                checkouts += 1
                lines += sale.lines.count
                if sale.customer != nil { carded += 1 }
            case .saleReturn: returns += 1
            case .void: voids += 1
            case .closeShift: closes += 1
            }
        }
        let visitsWithoutCloses = Double(all.count - closes)
        #expect(abs(Double(lines) / Double(checkouts) - 28) < 1)
        #expect(abs(Double(carded) / Double(checkouts) - 0.45) < 0.02)
        #expect(abs(Double(returns) / visitsWithoutCloses - 0.03) < 0.005)
        #expect(abs(Double(voids) / visitsWithoutCloses - 0.005) < 0.002)
        #expect(closes > 0)
    }

    @Test("open-loop arrivals come at the asked rate; closed-loop visits are all due at once")
    func arrivals() {
        let open = visits(seed: 2, count: 20_000, rate: 50)
        let span = open.last!.due - open.first!.due
        #expect(abs(Double(open.count) / span - 50) < 2.5)
        #expect(zip(open, open.dropFirst()).allSatisfy { $0.due <= $1.due })
        #expect(visits(seed: 2, count: 100, rate: nil).allSatisfy { $0.due == 0 })
    }

    @Test("returns and voids name earlier sales of the same lane, never more than was sold, never both on one sale")
    func returnsAndVoids() {
        var sold: [String: (lane: Int, lines: [LineDraft])] = [:]
        var returned: [String: [String: Int64]] = [:]
        var voided: Set<String> = []
        for visit in visits(seed: 5, count: 30_000) {
            switch visit.kind {
            case .checkout(let sale, _):
                sold[sale.id] = (visit.lane, sale.lines)
                #expect(sale.lines.allSatisfy { $0.qty > 0 && $0.price > 0 })
            case .saleReturn(let draft):
                guard let sale = sold[draft.sale] else { Issue.record("return of an unknown sale \(draft.sale)"); continue }
                #expect(sale.lane == visit.lane)
                #expect(!voided.contains(draft.sale))
                for line in draft.lines {
                    returned[draft.sale, default: [:]][line.sku, default: 0] += line.qty
                    let bought = sale.lines.filter { $0.sku == line.sku }.reduce(0) { $0 + $1.qty }
                    #expect(returned[draft.sale]![line.sku]! <= bought)
                }
            case .void(let draft):
                #expect(sold[draft.sale]?.lane == visit.lane)
                #expect(returned[draft.sale] == nil)
                #expect(voided.insert(draft.sale).inserted)
            case .closeShift:
                break
            }
        }
    }

    @Test("generated goods carry valid EAN-13 codes; weighed goods use the 21 prefix")
    func codes() {
        for product in GeneratedCatalog(count: 3_000, seed: 9).products {
            #expect(product.sku.count == 13)
            let body = String(product.sku.prefix(12))
            #expect(product.sku.last!.wholeNumberValue == GeneratedCatalog.checkDigit(body))
            #expect(product.weighed == product.sku.hasPrefix("21"))
        }
    }
}

@Suite("Popularity draws")
struct ZipfTests {
    /// The first rank whose cumulative probability is at least `u`, by binary search.
    static func searched(_ zipf: Zipf, _ u: Double) -> Int {
        var low = 0, high = zipf.cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if zipf.cumulative[mid] < u { low = mid + 1 } else { high = mid }
        }
        return low
    }

    @Test("a draw is the first rank whose cumulative probability reaches it, as a search over all ranks finds")
    func drawIsTheInverseOfTheDistribution() {
        var random = SeededGenerator(seed: 3)
        for (count, exponent) in [(1, 1.0), (2, 0.5), (7, 1.2), (40_000, 1.07), (300_000, 0.8)] {
            let zipf = Zipf(count: count, exponent: exponent)
            var points: [Double] = [0, 0.5, Double(1).nextDown]
            // The edges themselves and the doubles either side of them, where a guide could be off.
            for rank in stride(from: 0, to: count, by: max(1, count / 500)) {
                let edge = zipf.cumulative[rank]
                points += [edge, edge.nextDown, edge.nextUp].filter { $0 >= 0 && $0 < 1 }
            }
            for bucket in stride(from: 0, to: count, by: max(1, count / 500)) {
                let edge = Double(bucket) / Double(count)
                points += [edge, edge.nextDown, edge.nextUp].filter { $0 >= 0 && $0 < 1 }
            }
            for _ in 0..<20_000 { points.append(random.unit()) }
            for u in points where zipf.rank(at: u) != Self.searched(zipf, u) {
                Issue.record("count \(count): u \(u) drew rank \(zipf.rank(at: u)), the search finds \(Self.searched(zipf, u))")
                break
            }
        }
    }
}

@Suite("Reading answers")
struct AnswerScanTests {
    let sale = Array(#"{"customer":{"card":"7700","tier":"gold"},"discount":12,"id":"a\"total\":9","lines":[{"amount":5,"rules":["total","points"],"total":77}],"points":{"balance":40,"earned":3,"spent":0},"total":1234}"#.utf8)

    @Test("finds top-level and nested integers, not keys of other depths or inside strings")
    func finds() {
        #expect(AnswerScan.integers(sale, [["total"]])[0] == 1234)
        #expect(AnswerScan.integers(sale, [["discount"]])[0] == 12)
        #expect(AnswerScan.integers(sale, [["points", "earned"]])[0] == 3)
        #expect(AnswerScan.integers(sale, [["points", "spent"]])[0] == 0)
        #expect(AnswerScan.integers(sale, [["points", "total"]])[0] == nil)
        #expect(AnswerScan.integers(sale, [["customer", "tier"]])[0] == nil)
        #expect(AnswerScan.integers(sale, [["refund"]])[0] == nil)
        #expect(AnswerScan.integers(Array(#"{"total":-5}"#.utf8), [["total"]])[0] == -5)
        #expect(AnswerScan.integers(Array(#"{"total":1.5}"#.utf8), [["total"]])[0] == nil)
        #expect(AnswerScan.integers(Array(#"{"total":99999999999999999999}"#.utf8), [["total"]])[0] == nil)
        #expect(AnswerScan.integers(Array(#"{"total":"#.utf8), [["total"]])[0] == nil)
    }

    @Test("skips arrays and the objects off every path, and never matches inside an array")
    func skips() {
        let answer = Array(#"{"a":[{"total":1},[2,{"points":{"earned":5}}]],"b":{"c":{"total":7,"points":{"earned":8}}},"points":{"x":{"earned":6},"earned":3},"total":4}"#.utf8)
        #expect(AnswerScan.integers(answer, [["total"], ["points", "earned"], ["b", "c", "total"], ["b", "total"]]) == [4, 3, 7, nil])
    }

    @Test("a broken or cut-off answer gives nil, never a wrong value or a crash")
    func broken() {
        for text in [#"{"total""#, #"{"tot"#, "", "]]]}}}", #"{"points":{"earned":"#, #"{"points":}"#, #"{"total":"12"}"#, #"{"a":"\"#, "[1,2]",
                     #"{"total":-}"#, #"{"total":1e3}"#] {
            #expect(AnswerScan.integers(Array(text.utf8), [["total"], ["points", "earned"]]) == [nil, nil], "\(text)")
        }
        for end in 0...sale.count {
            let found = AnswerScan.integers(Array(sale[..<end]), [["total"], ["points", "earned"]])
            #expect(found[0] == nil || found[0] == 1234)
            #expect(found[1] == nil || found[1] == 3)
        }
    }

    @Test("a quote after an even run of backslashes ends a string, after an odd run it does not")
    func escapes() {
        let answer = Array(#"{"a":"x\\","total":5,"b":"\\\"total\":6","points":{"earned":"\\\\\\"}}"#.utf8)
        #expect(AnswerScan.integers(answer, [["total"], ["points", "earned"]]) == [5, nil])
    }

    @Test("an escaped quote is found at every place within the eight bytes read at a time")
    func escapesEverywhere() {
        for offset in 0..<24 {
            let filler = String(repeating: "x", count: offset)
            let answer = Array(#"{"a":"\#(filler)\"total\":1\\","b":"\#(filler)","total":\#(offset)}"#.utf8)
            #expect(AnswerScan.integers(answer, [["total"]]) == [Int64(offset)], "\(offset)")
        }
    }

    @Test("brackets and quotes are found at every place within the eight bytes passed at a time")
    func skipsEverywhere() {
        for offset in 0..<24 {
            let filler = String(repeating: "7", count: offset)
            let answer = Array(#"{"lines":[\#(filler),{"x":"]}[{","total":1},[\#(filler),{"total":2}],"y"],"b":{"total":3,"c":"}"},"total":\#(offset)}"#.utf8)
            #expect(AnswerScan.integers(answer, [["total"], ["b", "total"]]) == [Int64(offset), 3], "\(offset)")
        }
    }

    @Test("reads a body held in a ByteBuffer with prepared paths")
    func byteBuffer() {
        var body = ByteBuffer()
        body.writeBytes(sale)
        #expect(AnswerScan.integers(body, AnswerScan.Paths([["total"], ["points", "spent"]])) == [1234, 0])
    }
}

@Suite("Request bodies")
struct WireBodyTests {
    @Test("quantities print as the contract reads them")
    func quantities() {
        let cases: [(Int64, String)] = [(1000, "1"), (2000, "2"), (755, "0.755"), (500, "0.5"), (2050, "2.05"), (1001, "1.001"), (150, "0.15")]
        for (thousandths, text) in cases {
            var buffer = ByteBuffer()
            WireBody.Bytes.write(into: &buffer, room: 24) { $0.qty(thousandths) }
            #expect(String(buffer: buffer) == text)
        }
    }

    @Test("integers print in full, the extremes too")
    func integers() {
        let cases: [(Int64, String)] = [(0, "0"), (7, "7"), (-7, "-7"), (1_000_000, "1000000"),
                                        (.max, "9223372036854775807"), (.min, "-9223372036854775808")]
        for (value, text) in cases {
            var buffer = ByteBuffer()
            WireBody.Bytes.write(into: &buffer, room: WireBody.Bytes.integerDigitsMax) { $0.int(value) }
            #expect(String(buffer: buffer) == text)
        }
    }

    @Test("a sale's body made from its quote's is the same bytes as one written in full")
    func saleFromQuote() {
        var schedule = VisitSchedule(workload: Workload(profile: .small, seed: 5, runTag: "q"), rate: nil)
        var checked = 0
        while checked < 20 {
            guard case .checkout(let sale, _) = schedule.next().kind else { continue }
            let quote = WireBody.bytes { WireBody.sale(sale, at: "t", payment: nil, into: &$0) }
            for payment in [nil, 0, 12_345, -1] as [Int64?] {
                let full = WireBody.bytes { WireBody.sale(sale, at: "t", payment: payment, into: &$0) }
                let fromQuote = WireBody.bytes { WireBody.sale(quoted: ByteBuffer(bytes: quote), payment: payment, into: &$0) }
                #expect(fromQuote == full)
            }
            checked += 1
        }
    }

    @Test("a void's body is JSON after whatever the buffer already holds")
    func voidBody() throws {
        var buffer = ByteBuffer(string: "HEAD")
        buffer.moveReaderIndex(forwardBy: 4)
        WireBody.void(VoidDraft(id: "v", sale: "s", store: "H01", terminal: "H01-T01", cashier: "C1"), at: "t", into: &buffer)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
        #expect(json["sale"] as? String == "s" && json["reason"] as? String == "customer changed their mind")
    }

    @Test("a sale's body is JSON with every field and line of the draft")
    func saleBody() throws {
        var schedule = VisitSchedule(workload: Workload(profile: .small, seed: 4, runTag: "b"), rate: nil)
        var checked = 0
        while checked < 50 {
            guard case .checkout(let sale, _) = schedule.next().kind else { continue }
            let body = WireBody.bytes { WireBody.sale(sale, at: "2026-11-26T10:00:00+03:00", payment: checked % 2 == 0 ? 12_345 : nil, into: &$0) }
            let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
            #expect(json["id"] as? String == sale.id && json["terminal"] as? String == sale.terminal)
            #expect(json["customer"] as? String == sale.customer)
            let lines = try #require(json["lines"] as? [[String: Any]])
            #expect(lines.count == sale.lines.count)
            for (line, draft) in zip(lines, sale.lines) {
                #expect(line["sku"] as? String == draft.sku && (line["price"] as? NSNumber)?.int64Value == draft.price)
                #expect(((line["qty"] as? NSNumber)?.doubleValue ?? 0) * 1000 == Double(draft.qty))
            }
            #expect((json["payments"] as? [[String: Any]])?.first?["amount"] as? Int == (checked % 2 == 0 ? 12_345 : nil))
            checked += 1
        }
        let draft = ReturnDraft(id: "r", sale: "s", store: "H01", terminal: "H01-T01", cashier: "C1", lines: [("4600000000001", 755)])
        let back = try #require(try JSONSerialization.jsonObject(with: Data(WireBody.bytes { WireBody.saleReturn(draft, at: "t", into: &$0) })) as? [String: Any])
        #expect((back["lines"] as? [[String: Any]])?.first?["sku"] as? String == "4600000000001")
    }

    @Test("one pass finds several paths")
    func severalPaths() {
        let answer = Array(#"{"lines":[{"total":1,"points":{"earned":9}}],"points":{"balance":4,"earned":3,"spent":0},"total":1234}"#.utf8)
        let found = AnswerScan.integers(answer, [["total"], ["points", "earned"], ["points", "spent"], ["points", "missing"]])
        #expect(found == [1234, 3, 0, nil])
    }
}
