import Foundation
import KassaCore
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
