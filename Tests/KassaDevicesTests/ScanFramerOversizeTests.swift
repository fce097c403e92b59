import Testing
@testable import KassaDevices

/// Runs longer than the cap are line noise: dropped with one error, and the next scan reads clean.
@Suite struct ScanFramerOversizeTests {
    typealias F = ScannerFixtures

    @Test func garbageLongerThanTheCapIsDroppedAndTheNextScanIsRead() {
        var framer = F.framer(.cr, lengthMax: 16)
        var events = framer.feed([UInt8](repeating: 0x55, count: 10), at: 0)
        events += framer.feed([UInt8](repeating: 0xAA, count: 100), at: 1)
        events += framer.feed(F.bytes("garbage\r96385074\r"), at: 2)
        #expect(F.drops(events).map(\.code) == [.frameTooLong])
        #expect(F.frames(events) == ["96385074"])
    }

    @Test func aScanOfExactlyTheCapIsKept() {
        var framer = F.framer(.crlf, lengthMax: 13)
        #expect(F.frames(framer.feed(F.bytes("4006381333931\r\n"), at: 0)) == ["4006381333931"])
        #expect(F.drops(framer.feed(F.bytes("40063813339310\r\n"), at: 0)).map(\.code) == [.frameTooLong])
    }

    @Test func withoutSuffixGarbageIsSkippedUpToThePause() {
        var framer = F.framer(.none, timeoutMs: 30, lengthMax: 8)
        var events = framer.feed([UInt8](repeating: 0x00, count: 50), at: 0)
        events += framer.feed([UInt8](repeating: 0x00, count: 50), at: 10)
        events += framer.feed(F.bytes("96385074"), at: 100)
        events += framer.tick(at: 130)
        #expect(F.drops(events).map(\.code) == [.frameTooLong])
        #expect(F.frames(events) == ["96385074"])
    }
}
