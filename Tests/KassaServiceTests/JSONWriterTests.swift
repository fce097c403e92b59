import Foundation
import KassaCore
import KassaTestSupport
import Testing
@testable import KassaService

/// The answer writer: the bytes the `[String: Any]` answers gave, without building them.
@Suite("JSON answer writer")
struct JSONWriterTests {
    func written(_ write: (inout JSONWriter) -> Void) -> String {
        var writer = JSONWriter()
        write(&writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test func membersAndElementsAreSeparatedOnce() {
        let text = written { w in
            w.object { w in
                w.array("a", [1, 2, 3]) { w, n in w.value(Int64(n)) }
                w.object("b") { _ in }
                w.array("c", [] as [Int]) { _, _ in }
                w.field("d", "x")
                w.object("e") { w in
                    w.field("f", true)
                    w.field("g", false)
                    w.key("h")
                    w.null()
                }
                w.field("i", ["p", "q"])
            }
        }
        #expect(text == #"{"a":[1,2,3],"b":{},"c":[],"d":"x","e":{"f":true,"g":false,"h":null},"i":["p","q"]}"#)
    }

    @Test func integersPrintExactlyAtTheEdges() {
        let text = written { w in
            w.array { w in
                for number: Int64 in [0, 7, -7, 10, -10, 8990, .max, .min] { w.value(number) }
                w.value(UInt64.max)
            }
        }
        #expect(text == "[0,7,-7,10,-10,8990,9223372036854775807,-9223372036854775808,18446744073709551615]")
    }

    /// Quantities as `Wire.qty` gave them: whole as an integer, else the `Decimal` of the
    /// shortest text (`0.755`, `1.5`).
    @Test func quantitiesPrintAsTheyAlwaysDid() {
        let samples: [Int64] = Array(-2_000...3_000) + [755, 1_000_000_000, 999_999_999_999, 123_456_789_001, Int64.max / 1000 * 1000]
        for thousandths in samples {
            let quantity = Quantity(thousandths: thousandths)
            let before: Any = quantity.isWhole ? quantity.thousandths / 1000 : Decimal(string: quantity.description) ?? 0
            let expected = String(decoding: JSONText.encode([before]), as: UTF8.self)
            #expect(written { $0.array { $0.value(quantity) } } == expected, "\(thousandths)")
        }
    }

    @Test func stringsAreEscapedAsTheyAlwaysWere() {
        let text = "Молоко \"3,2%\"\n\\ \u{1}\r\t\u{7F}/😀\u{1F}"
        #expect(written { $0.value(text) } == #""Молоко \"3,2%\"\n\\ \u0001\r\t\u007f/😀\u001f""#)
        #expect(written { $0.value("") } == #""""#)
        #expect(written { $0.value("plain") } == #""plain""#)
        // Commas between strings, escapes first and last, and a long one.
        let long = String(repeating: "молоко ", count: 300)
        #expect(written { $0.array(["a", "\"b", "c\n", "", long]) } == #"["a","\"b","c\n","",""# + long + #""]"#)
    }

    /// The cursor that writes the lines of quotes and sales writes strings, numbers and
    /// quantities as the writer's own values do, in arrays with the same commas.
    @Test func theCursorWritesValuesAsTheWriterDoes() {
        var rng = KassaTestSupport.SeededGenerator(seed: 27)
        let pieces = ["a", "Молоко", "\"", "\\", "\n", "\u{1}", "\u{7F}", "😀", "/", " ", "tier-gold", "0"]
        for _ in 0..<500 {
            let text = (0..<Int.random(in: 0...12, using: &rng)).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &rng)] }.joined()
            let number = Int64.random(in: Int64.min...Int64.max, using: &rng) >> UInt64.random(in: 0...63, using: &rng)
            let quantity = Quantity(thousandths: Int64.random(in: -5_000_000...5_000_000, using: &rng) * (Bool.random(using: &rng) ? 1000 : 1))
            let bound = JSONWriter.Cursor.stringBound(text) + 2 * JSONWriter.Cursor.numberBound
            let direct = written { w in
                w.array { w in
                    w.reserved(bound) { $0.string(text) }
                    w.reserved(bound) { $0.number(number) }
                    w.reserved(bound) { $0.quantity(quantity) }
                }
            }
            let general = written { w in
                w.array { w in
                    w.value(text)
                    w.value(number)
                    w.value(quantity)
                }
            }
            #expect(direct == general)
        }
        #expect(written { w in w.reserved(JSONWriter.Cursor.numberBound) { $0.number(Int64.min) } } == "\(Int64.min)")
        #expect(written { w in w.reserved(JSONWriter.Cursor.stringBound("\u{1}\u{1}")) { $0.string("\u{1}\u{1}") } } == #""\u0001\u0001""#)
    }

    /// A quote's or sale's line through the cursor: the object the writer's members made.
    @Test func linesThroughTheCursorAreTheObjectsMembersMade() {
        var rng = KassaTestSupport.SeededGenerator(seed: 1127)
        let ids = ["tier-gold", "regular", "promo-\"7\"", "Молоко", ""]
        for _ in 0..<300 {
            let priced = PricedLine(amount: Int64.random(in: 0...10_000_000, using: &rng), discount: Int64.random(in: 0...5_000, using: &rng),
                                    rules: (0..<Int.random(in: 0...4, using: &rng)).map { _ in ids[Int.random(in: 0..<ids.count, using: &rng)] },
                                    category: ["dairy", "", "мясо", "a\tb"][Int.random(in: 0..<4, using: &rng)])
            let qty = Quantity(thousandths: Int64.random(in: 1...20_000, using: &rng))
            let returned: Quantity? = Bool.random(using: &rng) ? Quantity(thousandths: Int64.random(in: 0...1_000, using: &rng)) : nil
            let sku = ["4607001234562", "PLU-12", "A/1.b_2"][Int.random(in: 0..<3, using: &rng)]
            let price = Int64.random(in: -5...1_000_000, using: &rng)
            let direct = written { w in
                w.array { w in
                    Wire.line(sku: sku, qty: qty, price: price, priced: priced, returnedQty: returned, into: &w)
                    Wire.line(sku: sku, qty: qty, price: price, priced: priced, returnedQty: returned, into: &w)
                }
            }
            let object: (inout JSONWriter) -> Void = { w in
                w.object { w in
                    w.field("amount", priced.amount)
                    w.field("category", priced.category)
                    w.field("discount", priced.discount)
                    w.field("price", price)
                    w.field("qty", qty)
                    if let returned { w.field("returned_qty", returned) }
                    w.field("rules", priced.rules)
                    w.field("sku", sku)
                }
            }
            #expect(direct == written { w in w.array { w in object(&w); object(&w) } })
        }
    }

    @Test func anyTreesStillWriteWithSortedKeys() {
        let tree: [String: Any] = ["b": 1, "a": ["d": 0.29, "c": 12.5, "e": 3.0] as [String: Any], "é": NSNull(), "Z": [Int64(1), UInt32(2)] as [Any]]
        #expect(String(decoding: JSONText.encode(tree), as: UTF8.self) == #"{"Z":[1,2],"a":{"c":12.5,"d":0.29,"e":3},"b":1,"é":null}"#)
    }

    @Test func errorsKeepTheContractsShape() throws {
        let error = APIError(.unprocessableContent, "invalid_field", "lines[0].qty must be above zero, got 0", field: "lines[0].qty")
        var writer = JSONWriter()
        writer.object { w in
            w.key("error")
            error.detail(into: &w)
        }
        #expect(String(decoding: writer.bytes, as: UTF8.self)
                == #"{"error":{"code":"invalid_field","field":"lines[0].qty","message":"lines[0].qty must be above zero, got 0"}}"#)
    }
}
