import Testing
@testable import KassaDevices

/// Without a suffix a pause ends a scan; with one, a scan left waiting for its suffix is dropped.
@Suite struct ScanFramerTimeoutTests {
    typealias F = ScannerFixtures

    @Test func withoutSuffixAPauseEndsTheScan() {
        var framer = F.framer(.none, timeoutMs: 50)
        #expect(framer.feed(F.bytes("400638"), at: 1000).isEmpty)
        #expect(framer.feed(F.bytes("1333931"), at: 1020).isEmpty)
        #expect(framer.deadlineMs == 1070)
        #expect(framer.tick(at: 1069).isEmpty)
        #expect(F.frames(framer.tick(at: 1070)) == ["4006381333931"])
        #expect(framer.deadlineMs == nil)
    }

    @Test func withoutSuffixBytesAfterAPauseStartTheNextScan() {
        var framer = F.framer(.none, timeoutMs: 50)
        _ = framer.feed(F.bytes("96385074"), at: 0)
        let events = framer.feed(F.bytes("7351"), at: 80)
        #expect(F.frames(events) == ["96385074"])
        #expect(F.frames(framer.feed(F.bytes("3537"), at: 90) + framer.tick(at: 140)) == ["73513537"])
    }

    @Test func aScanStillWaitingForItsSuffixAfterTheTimeoutIsDropped() {
        var framer = F.framer(.cr, timeoutMs: 200)
        _ = framer.feed(F.bytes("40063813"), at: 0)
        let events = framer.feed(F.bytes("96385074\r"), at: 500)
        #expect(F.drops(events).map(\.code) == [.incompleteFrame])
        #expect(F.frames(events) == ["96385074"])
    }

    @Test func aSuffixFramerWithoutTimeoutWaitsForever() {
        var framer = F.framer(.cr)
        _ = framer.feed(F.bytes("40063813"), at: 0)
        #expect(framer.deadlineMs == nil)
        #expect(framer.tick(at: 10_000_000).isEmpty)
        #expect(F.frames(framer.feed(F.bytes("33931\r"), at: 10_000_001)) == ["4006381333931"])
    }

    @Test func aClockGoingBackwardsEndsNothing() {
        var framer = F.framer(.none, timeoutMs: 50)
        _ = framer.feed(F.bytes("9638"), at: 1000)
        #expect(framer.tick(at: 10).isEmpty)
        #expect(F.frames(framer.tick(at: 1050)) == ["9638"])
    }

    @Test func flushTakesWhatWasReadAsTheLastScan() {
        var framer = F.framer(.lf)
        _ = framer.feed(F.bytes("96385074\n7351353"), at: 0)
        #expect(F.frames(framer.flush()) == ["7351353"])
        #expect(framer.flush().isEmpty)
    }
}
