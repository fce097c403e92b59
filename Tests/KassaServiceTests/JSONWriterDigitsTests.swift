import KassaCore
import KassaTestSupport
import Testing
@testable import KassaService

/// Numbers and times written digit by digit are the text the strings gave.
@Suite("JSON answer writer: numbers and times")
struct JSONWriterDigitsTests {
    func written(_ write: (inout JSONWriter) -> Void) -> String {
        var writer = JSONWriter()
        write(&writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test func integersAreTheirDecimalText() {
        var numbers: [Int64] = [0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 12_990, .max, .min, .max - 1, .min + 1, -1, -10, -99, -100]
        var power: Int64 = 1
        for _ in 0..<18 {
            power *= 10
            numbers += [power - 1, power, power + 1, -power, -(power - 1)]
        }
        var rng = SeededGenerator(seed: 31)
        for _ in 0..<20_000 { numbers.append(Int64(bitPattern: rng.next()) >> Int64(rng.next() % 64)) }
        for number in numbers {
            #expect(written { $0.value(number) } == String(number))
            #expect(written { w in w.reserved(JSONWriter.Cursor.numberBound) { $0.number(number) } } == String(number))
        }
        for number: UInt64 in [0, 7, 10_000_000_000_000_000_000, 9_999_999_999_999_999_999, .max] {
            #expect(written { $0.value(number) } == String(number))
        }
    }

    @Test func timesAreTheTextOfTheirDescription() {
        var rng = SeededGenerator(seed: 32)
        var times: [Timestamp] = [Timestamp(epochMilliseconds: 0), Timestamp(epochMilliseconds: -1), Timestamp(epochMilliseconds: 1, offsetMinutes: -1),
                                  Timestamp(epochMilliseconds: 1_795_000_000_000, offsetMinutes: 180), Timestamp(epochMilliseconds: 86_399_999, offsetMinutes: 0),
                                  Timestamp(epochMilliseconds: 1_795_000_000_250, offsetMinutes: -330), Timestamp(epochMilliseconds: 1_795_000_000_000, offsetMinutes: 345),
                                  Timestamp(epochMilliseconds: -62_135_596_800_000), Timestamp(epochMilliseconds: 253_402_300_799_999, offsetMinutes: 0),
                                  Timestamp(epochMilliseconds: 1_795_000_000_000, offsetMinutes: 6_000), Timestamp(epochMilliseconds: 1_795_000_000_000, offsetMinutes: -5_999),
                                  Timestamp(epochMilliseconds: 1_795_000_000_000, offsetMinutes: .max), Timestamp(epochMilliseconds: 1_795_000_000_000, offsetMinutes: .min)]
        for _ in 0..<20_000 {
            // From 1900 to 2200, any millisecond, offsets of a day either way and some beyond.
            let millis = -2_208_988_800_000 + Int64(rng.next() % 9_467_280_000_000)
            let offset = Int16(truncatingIfNeeded: Int(rng.next() % 2_879) - 1_439)
            times.append(Timestamp(epochMilliseconds: rng.next() % 4 == 0 ? millis / 1000 * 1000 : millis, offsetMinutes: rng.next() % 5 == 0 ? 0 : offset))
        }
        for time in times {
            #expect(written { $0.value(time) } == "\"\(time.description)\"", "\(time.epochMilliseconds) \(time.offsetMinutes)")
            #expect(written { w in w.object { $0.field("at", time) } } == "{\"at\":\"\(time.description)\"}")
        }
    }
}
