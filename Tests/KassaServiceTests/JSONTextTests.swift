import Foundation
import Testing
@testable import KassaService

@Suite("JSON answers")
struct JSONTextTests {
    @Test func writesWhatFoundationReadsBackTheSame() throws {
        let value: [String: Any] = [
            "text": "Молоко \"3,2%\"\n\\ \u{1}", "int": 42, "int64": Int64.min, "uint64": UInt64.max, "flag": true, "off": false,
            "qty": Decimal(string: "0.755")!, "list": [1, "two", ["three": 3]] as [Any], "empty": [:] as [String: Any], "none": [] as [Any],
        ]
        let bytes = JSONText.encode(value)
        let back = try #require(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(back["text"] as? String == "Молоко \"3,2%\"\n\\ \u{1}")
        #expect(back["int"] as? Int == 42)
        #expect("\(back["int64"]!)" == "\(Int64.min)")
        #expect("\(back["uint64"]!)" == "\(UInt64.max)")
        #expect(back["flag"] as? Bool == true && back["off"] as? Bool == false)
        #expect("\(back["qty"]!)" == "0.755")
        #expect((back["list"] as? [Any])?.count == 3)
        // Keys come out sorted, so answers are byte-for-byte repeatable.
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix(#"{"empty":{},"flag":true,"int":42,"#))
    }
}
