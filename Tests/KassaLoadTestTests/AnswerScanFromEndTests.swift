import Testing
@testable import KassaLoadTest

@Suite("Reading answers from their end")
struct AnswerScanFromEndTests {
    static let paths = AnswerScan.Paths([["total"], ["points", "earned"], ["points", "spent"], ["a", "total"], ["b", "a", "total"], ["refund"]])

    func fromEnd(_ text: String) -> [Int64?]? {
        Array(text.utf8).withUnsafeBytes { AnswerScan.integersFromEnd($0, Self.paths) }
    }

    func fromStart(_ text: String) -> [Int64?] {
        Array(text.utf8).withUnsafeBytes { AnswerScan.integersFromStart($0, Self.paths) }
    }

    @Test("a sale's answer is read from its end, and the numbers are those the forward scan finds")
    func saleAnswer() throws {
        let answer = #"{"at":"2026-11-27T10:00:00+03:00","cashier":"C1","customer":{"card":"7700","tier":"gold"},"discount":12,"id":"a\"total\":9","#
            + #""lines":[{"amount":5,"category":"x}","discount":0,"price":5,"qty":1,"rules":["total","points"],"sku":"46"}],"#
            + #""payments":[{"amount":1234,"method":"card"}],"points":{"balance":40,"earned":3,"spent":0},"rules_version":1,"seq":77,"#
            + #""store":"H01","subtotal":1246,"terminal":"H01-T01","total":1234,"voided":false}"#
        let read = try #require(fromEnd(answer))
        #expect(read == fromStart(answer))
        #expect(read[0] == 1234 && read[1] == 3 && read[2] == 0)
    }

    @Test("a body that is not one whole object is left to the forward scan")
    func notAnObject() {
        for text in ["", "   ", "[1,2]", #"{"total":1"#, #""total":1}"#, #"{"total":1} x"#, #"x{"total":1}"#, #"{"total":}"#,
                     #"{"total":1,}"#, #"{,"total":1}"#, #"{"total" 1}"#, #"{total:1}"#, #"{"a":"x"total":1}"#, #"{"t":tru}"#,
                     #"["a",{"total":1}]"#, #"{"total":1}{"total":2}"#] {
            #expect(fromEnd(text) == nil, "\(text)")
        }
    }

    @Test("the end of a string is told from an escaped quote by the run of backslashes before it")
    func escapes() {
        for text in [#"{"a":"x\\","total":5,"b":"\\\"total\":6"}"#, #"{"x\"":"\\\\","total":-3}"#, #"{"s":"\"","total":7}"#,
                     #"{"s":"\\\"\\","total":8}"#, #"{"total":9,"s":"{\"total\":1}"}"#] {
            #expect(fromEnd(text) != nil, "\(text)")
            #expect(fromEnd(text) == fromStart(text), "\(text)")
        }
    }

    @Test("numbers, literals, arrays and nested objects read the same from either end")
    func values() {
        for text in [#"{"total":1.5}"#, #"{"total":1e3}"#, #"{"total":-0}"#, #"{"total":99999999999999999999}"#, #"{"total":"12"}"#,
                     #"{"total":true}"#, #"{"total":null,"refund":false}"#, #"{"total":[1,{"total":2}]}"#, #"{"total":{"total":3}}"#,
                     #"{"points":{"x":{"earned":6},"earned":3},"total":4}"#, #"{"points":[{"earned":1}],"b":{"a":{"total":2}}}"#,
                     #"{"points":{},"a":{},"total":0}"#, #"{ "total" : 12 , "refund" :-4 }"#, "{\n\t\"total\":\r\n5\n}\n",
                     #"{"total":1-2}"#, #"{"refund":+1}"#] {
            #expect(fromEnd(text) == nil || fromEnd(text) == fromStart(text), "\(text)")
            #expect(AnswerScan.integers(Array(text.utf8), [["total"], ["points", "earned"], ["a", "total"], ["b", "a", "total"], ["refund"]])
                == Array(text.utf8).withUnsafeBytes { AnswerScan.integersFromStart($0, AnswerScan.Paths([["total"], ["points", "earned"], ["a", "total"], ["b", "a", "total"], ["refund"]])) },
                "\(text)")
        }
    }

    @Test("generated objects without repeated keys read the same from either end")
    func generated() {
        var random = SeededGenerator(seed: 29)
        var readFromEnd = 0
        for _ in 0..<3_000 {
            var text = ""
            Self.object(depth: 0, random: &random, into: &text)
            let read = fromEnd(text)
            if read != nil { readFromEnd += 1 }
            #expect(read == nil || read == fromStart(text), "\(text)")
        }
        // The generator writes valid JSON objects, so every one is read from its end.
        #expect(readFromEnd == 3_000)
    }

    static let keys = ["total", "points", "earned", "spent", "a", "b", "refund", "lines", "to\\\"tal", "x"]

    static func object(depth: Int, random: inout SeededGenerator, into text: inout String) {
        text += Self.space(&random) + "{"
        let names = keys.shuffled(using: &random).prefix(Int(random.next() % 6))
        for (position, name) in names.enumerated() {
            if position > 0 { text += "," }
            text += Self.space(&random) + "\"\(name)\"" + Self.space(&random) + ":" + Self.space(&random)
            value(depth: depth, random: &random, into: &text)
            text += Self.space(&random)
        }
        text += "}" + Self.space(&random)
    }

    static func value(depth: Int, random: inout SeededGenerator, into text: inout String) {
        switch random.next() % (depth < 3 ? 9 : 6) {
        case 0: text += String(Int64(bitPattern: random.next()) >> Int64(random.next() % 64))
        case 1: text += ["1.5", "-0.25", "2e3", "-1E-2", "0", "-0", "99999999999999999999"][Int(random.next() % 7)]
        case 2: text += ["true", "false", "null"][Int(random.next() % 3)]
        case 3, 4: text += ["\"\"", #""x""#, #""\\""#, #""\"""#, #""a\\\"}""#, #""]}[{,:""#, #""\"total\":1""#, #""\\\\\\""#][Int(random.next() % 8)]
        case 5: text += String(random.next() % 1000)
        case 6, 7: object(depth: depth + 1, random: &random, into: &text)
        default:
            text += "["
            for index in 0..<Int(random.next() % 4) {
                if index > 0 { text += "," }
                value(depth: depth + 1, random: &random, into: &text)
            }
            text += "]"
        }
    }

    static func space(_ random: inout SeededGenerator) -> String {
        random.next() % 5 == 0 ? [" ", "\n", "\t ", "\r\n"][Int(random.next() % 4)] : ""
    }
}
