import Testing
@testable import KassaDevices

/// A serial scanner's stream is cut at its suffix; the suffix never reaches the lane.
@Suite struct ScanFramerSuffixTests {
    typealias F = ScannerFixtures

    @Test(arguments: [(ScanFraming.Suffix.cr, "\r"), (.lf, "\n"), (.crlf, "\r\n")])
    func eachSuffixEndsAScanAndIsRemoved(suffix: ScanFraming.Suffix, end: String) {
        var framer = F.framer(suffix)
        let events = framer.feed(F.bytes("4006381333931" + end + "96385074" + end), at: 0)
        #expect(F.frames(events) == ["4006381333931", "96385074"])
        #expect(F.drops(events).isEmpty)
    }

    @Test func aScanSplitAcrossReadsIsJoined() {
        var framer = F.framer(.crlf)
        #expect(framer.feed(F.bytes("40063"), at: 0).isEmpty)
        #expect(framer.feed(F.bytes("81333931\r"), at: 5).isEmpty)
        #expect(F.frames(framer.feed(F.bytes("\n5901"), at: 9)) == ["4006381333931"])
        #expect(F.frames(framer.feed(F.bytes("234123457\r\n"), at: 12)) == ["5901234123457"])
    }

    @Test func crlfAlsoAcceptsABareLineFeed() {
        var framer = F.framer(.crlf)
        #expect(F.frames(framer.feed(F.bytes("96385074\n73513537\r\n"), at: 0)) == ["96385074", "73513537"])
    }

    @Test func emptyScansAreIgnored() {
        var framer = F.framer(.cr)
        #expect(framer.feed(F.bytes("\r\r\r"), at: 0).isEmpty)
        var crlf = F.framer(.crlf)
        #expect(crlf.feed(F.bytes("\r\n\n\r\n"), at: 0).isEmpty)
    }

    @Test func aConfiguredPrefixIsStrippedWhenPresentAndKeptOtherwise() {
        var framer = F.framer(.cr, prefix: "\u{02}")
        let events = framer.feed(F.bytes("\u{02}4006381333931\r96385074\r\u{02}\r"), at: 0)
        #expect(F.frames(events) == ["4006381333931", "96385074"])
    }

    @Test func aGroupSeparatorInsideAScanIsData() {
        var framer = F.framer(.cr)
        let code = "0104600439931256215Wq0Klqxq=ab" + F.gs + "91EE06"
        #expect(F.frames(framer.feed(F.bytes(code + "\r"), at: 0)) == [code])
    }

    @Test func framingThatCannotTellScansApartIsRefused() {
        #expect(throws: ScanError.self) { try ScanFraming(suffix: .none) }
        #expect(throws: ScanError.self) { try ScanFraming(suffix: .cr, frameLengthMax: 0) }
        #expect(throws: ScanError.self) { try ScanFraming(suffix: .cr, prefix: [0x02, 0x0D]) }
        let error = #expect(throws: ScanError.self) { try ScanFraming(suffix: .none, interByteTimeoutMs: 0) }
        #expect(error?.code == .badConfiguration)
    }
}
