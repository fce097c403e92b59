import KassaTestSupport
import Testing
@testable import KassaDevices

/// A million seeded inputs each for the scanner framer, the GS1 parser and the HID POS
/// assembler: random bytes of random lengths and mutations of valid scans, so the parsers get
/// past their first byte. None may crash or hang, and what they return must keep its invariants.
/// A failure names its seed and input index; rerun with that seed to reproduce it.
@Suite struct ScannerFuzzTests {
    static let inputCount = 1_000_000
    static let seed: UInt64 = 0x5CA4_2024

    static let gs = ScannerFixtures.gs
    /// Valid scans the mutations start from.
    static let corpus: [[UInt8]] = [
        "0104690257528523" + "21G+mgsHw<DiLN_" + gs + "91EE05" + gs
            + "92sOe6fy7lPT8lLffZ5WdQ7Rp8P>XLDwEGD1Wv4oY71o4&FVGTngrd45/<7&*(fglnxdszcyACRLvw;46-fjadfLGV",
        "0112345678901231215w9EJp" + gs + "93abc1",
        gs + "0104600266011725217ABCDEFG" + gs + "8005112000" + gs + "93dGVz",
        "010950110153000317140704" + gs + "10AB-123",
        "0104600439931256" + "3103000750" + "3922" + "0012990" + gs + "3932643129990",
        "00106141411234567897" + "4109501101530003" + "400PO-1234" + gs + "8020INV/2024",
        "(01)04690257528523(21)G+mgsHw<DiLN_(91)EE05(92)sOe6fy7lPT8lLffZ5WdQ7Rp8P",
        "(01)09501101530003(17)140704(10)AB-123(3103)000750",
    ].map { Array($0.utf8) }

    // MARK: Framer

    @Test func theFramerKeepsItsInvariantsOverAMillionFeeds() {
        var random = SeededGenerator(seed: Self.seed)
        let suffixes: [ScanFraming.Suffix] = [.cr, .lf, .crlf, .none]
        // Small caps so that overflow and recovery happen often.
        var framers = suffixes.map { ScannerFixtures.framer($0, prefix: "\u{02}", timeoutMs: $0 == .none ? 20 : 200, lengthMax: 48) }
        var reference = FramerReference()
        var nowMs: UInt64 = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for index in 0..<Self.inputCount {
                let input = Self.framerInput(&random)
                nowMs += random.next() % 32
                let which = index % framers.count
                var events = framers[which].feed(input, at: nowMs)
                if random.next() % 8 == 0 { events += framers[which].tick(at: nowMs + random.next() % 64) }
                if random.next() % 512 == 0 { events += framers[which].flush() }
                Self.check(events, framing: framers[which].framing, seed: Self.seed, index: index)
                reference.feed(input, index: index)
            }
            reference.finish()
        }
        print("scanner framer fuzz: \(Self.inputCount) feeds in \(elapsed)")
    }

    /// A feed: random bytes with suffix bytes mixed in, or a valid scan cut at a random point.
    static func framerInput(_ random: inout SeededGenerator) -> [UInt8] {
        let count = Int(random.next() % 65)
        if random.next() % 2 == 0 {
            var bytes = random.bytes(count)
            for i in bytes.indices where bytes[i] & 0x0F == 0 { bytes[i] = i & 1 == 0 ? 0x0D : 0x0A }
            return bytes
        }
        let scan = corpus[Int(random.next() % UInt64(corpus.count))]
        let cut = Int(random.next() % UInt64(scan.count + 1))
        return Array(scan[..<cut]) + (random.next() % 2 == 0 ? [0x0D, 0x0A] : [])
    }

    static func check(_ events: [ScanFramerEvent], framing: ScanFraming, seed: UInt64, index: Int) {
        for event in events {
            guard case .frame(let frame) = event else { continue }
            let terminator: UInt8? = switch framing.suffix {
            case .cr: 0x0D
            case .lf, .crlf: 0x0A
            case .none: nil
            }
            if frame.isEmpty || frame.count > framing.frameLengthMax || terminator.map(frame.contains) == true {
                Issue.record("seed \(seed) input \(index): frame of \(frame.count) bytes breaks the framing \(framing)")
            }
        }
    }

    /// Checks a CR framer without caps or timeouts against the plain rule: scans are the stream
    /// split at CR, empty pieces left out.
    struct FramerReference {
        var framer = ScannerFixtures.framer(.cr)
        var stream: [UInt8] = []
        var frames: [[UInt8]] = []

        mutating func feed(_ input: [UInt8], index: Int) {
            // Inputs without a CR in the first 4096 bytes would meet the cap; there are none:
            // one byte in sixteen is a CR or LF.
            stream += input
            for event in framer.feed(input, at: 0) { if case .frame(let frame) = event { frames.append(frame) } }
            if stream.count > 20_000 { finish() }
        }

        mutating func finish() {
            for event in framer.flush() { if case .frame(let frame) = event { frames.append(frame) } }
            let expected = stream.split(separator: 0x0D, omittingEmptySubsequences: true).map(Array.init)
            if frames != expected { Issue.record("CR framing differs from splitting the stream at CR") }
            stream.removeAll(keepingCapacity: true)
            frames.removeAll(keepingCapacity: true)
        }
    }

    // MARK: GS1

    @Test func theGS1ParserKeepsItsInvariantsOverAMillionInputs() {
        var random = SeededGenerator(seed: Self.seed &+ 1)
        var parsed = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for index in 0..<Self.inputCount {
                let input = random.next() % 4 == 0 ? random.bytes(Int(random.next() % 129)) : Self.mutated(&random)
                do throws(ScanError) {
                    let elements = try GS1ElementString(parsing: input)
                    parsed += 1
                    Self.check(elements, input: input, index: index)
                } catch {
                    if let position = error.position, !(0...input.count).contains(position) {
                        Issue.record("seed \(Self.seed &+ 1) input \(index): error position \(position) outside \(input.count) bytes")
                    }
                }
            }
        }
        print("GS1 parser fuzz: \(Self.inputCount) inputs, \(parsed) parsed, in \(elapsed)")
        #expect(parsed > Self.inputCount / 20, "the mutations should often stay valid, or the parser is not reached deeply")
    }

    /// A valid scan with one to four mutations: a byte changed (to anything, a digit or GS), a
    /// byte inserted or removed, a cut, a slice repeated.
    static func mutated(_ random: inout SeededGenerator) -> [UInt8] {
        var bytes = corpus[Int(random.next() % UInt64(corpus.count))]
        for _ in 0...(random.next() % 4) {
            let at = Int(random.next() % UInt64(bytes.count + 1))
            switch random.next() % 8 {
            case 0 where at < bytes.count: bytes[at] = UInt8(truncatingIfNeeded: random.next())
            case 1 where at < bytes.count: bytes[at] = 0x30 + UInt8(random.next() % 10)
            case 2: bytes.insert(0x1D, at: at)
            case 3: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: at)
            case 4 where at < bytes.count: bytes.remove(at: at)
            case 5: bytes.removeSubrange(at...)
            case 6 where at < bytes.count:
                let end = min(bytes.count, at + Int(random.next() % 20))
                bytes.insert(contentsOf: bytes[at..<end], at: at)
            default: break
            }
        }
        return bytes
    }

    static func check(_ string: GS1ElementString, input: [UInt8], index: Int) {
        func fail(_ what: String) { Issue.record("seed \(Self.seed &+ 1) input \(index): \(what) in \(string)") }
        if string.elements.isEmpty || string.elements.count > GS1ElementString.elementsMax { fail("element count") }
        var lastPosition = -1
        for element in string.elements {
            let id = element.identifier
            let value = Array(element.value.utf8)
            if value.count < id.lengthMin || value.count > id.lengthMax { fail("(\(id)) of \(value.count) characters") }
            switch id.characters {
            case .digits: if !value.allSatisfy(RetailCode.isDigit) { fail("(\(id)) not digits") }
            case .cset82: if !value.allSatisfy(GS1ApplicationIdentifier.isCSet82) { fail("(\(id)) outside CSET 82") }
            }
            if element.position <= lastPosition || element.position >= input.count { fail("position \(element.position)") }
            lastPosition = element.position
            if let decimal = element.decimal, decimal.significand < 0 { fail("negative decimal") }
        }
    }

    // MARK: HID POS

    @Test func theHidPosAssemblerKeepsItsInvariantsOverAMillionReports() {
        var random = SeededGenerator(seed: Self.seed &+ 2)
        var assembler = HidPosReportAssembler(scanLengthMax: 300, continuationTimeoutMs: 100)
        var nowMs: UInt64 = 0
        var scans = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for index in 0..<Self.inputCount {
                let report = Self.hidReport(&random)
                nowMs += random.next() % 40
                var events = assembler.receive(report, at: nowMs)
                if random.next() % 16 == 0 { events += assembler.tick(at: nowMs + random.next() % 200) }
                for event in events {
                    guard case .scan(let scan) = event else { continue }
                    scans += 1
                    if scan.data.isEmpty || scan.data.count > assembler.scanLengthMax {
                        Issue.record("seed \(Self.seed &+ 2) report \(index): scan of \(scan.data.count) bytes")
                    }
                    _ = try? scan.barcode()
                }
            }
        }
        print("HID POS fuzz: \(Self.inputCount) reports, \(scans) scans, in \(elapsed)")
        #expect(scans > Self.inputCount / 20)
    }

    /// A report: valid ones cut from the corpus (continued or not), valid ones with a byte
    /// changed, random bytes, or the wrong size.
    static func hidReport(_ random: inout SeededGenerator) -> [UInt8] {
        switch random.next() % 8 {
        case 0: return random.bytes(Int(random.next() % 70))
        case 1: return [0x02] + random.bytes(63)
        default:
            let scan = corpus[Int(random.next() % UInt64(corpus.count))]
            let start = Int(random.next() % UInt64(scan.count))
            let end = min(scan.count, start + Int(random.next() % UInt64(HidPosReport.dataCapacity + 1)))
            let identifier = SymbologyIdentifier(codeCharacter: UInt8(ascii: "d"), modifier: UInt8(ascii: "2"))
            var bytes = HidPosReport(identifier: random.next() % 2 == 0 ? identifier : nil, data: Array(scan[start..<end]),
                                     continues: random.next() % 3 != 0).bytes
            if random.next() % 4 == 0 { bytes[Int(random.next() % 64)] = UInt8(truncatingIfNeeded: random.next()) }
            return bytes
        }
    }
}
