import Testing
@testable import KassaDevices

/// HID POS scanners send 64-byte reports; a long barcode spans several, joined by their
/// Decode Data Continued bit.
@Suite struct HidPosReportTests {
    static let qr = SymbologyIdentifier(codeCharacter: UInt8(ascii: "Q"), modifier: UInt8(ascii: "0"))
    static let dataMatrix = SymbologyIdentifier(codeCharacter: UInt8(ascii: "d"), modifier: UInt8(ascii: "2"))

    /// The reports a scanner would send for `data`, 56 bytes at a time.
    static func reports(_ data: [UInt8], identifier: SymbologyIdentifier?) -> [[UInt8]] {
        var reports: [[UInt8]] = []
        var start = 0
        repeat {
            let end = min(data.count, start + HidPosReport.dataCapacity)
            reports.append(HidPosReport(identifier: identifier, data: Array(data[start..<end]), continues: end < data.count).bytes)
            start = end
        } while start < data.count
        return reports
    }

    @Test func aReportIsReadAtTheDocumentedOffsets() throws {
        // The Access-IS manual's second report: 4 bytes, ]Q0, no continuation.
        var bytes = [UInt8](repeating: 0, count: 64)
        bytes[0] = 0x02
        bytes[1] = 4
        bytes.replaceSubrange(2..<5, with: Array("]Q0".utf8))
        bytes.replaceSubrange(5..<9, with: Array(" 100".utf8))
        bytes[61] = UInt8(ascii: "s")
        let report = try HidPosReport(parsing: bytes)
        #expect(report.identifier == Self.qr)
        #expect(report.data == Array(" 100".utf8))
        #expect(!report.continues)
        #expect(report.bytes[0..<61] == bytes[0..<61])
    }

    @Test func aSingleReportBarcodeIsOneScan() throws {
        var assembler = HidPosReportAssembler()
        let ean = SymbologyIdentifier(codeCharacter: UInt8(ascii: "E"), modifier: UInt8(ascii: "0"))
        let events = assembler.receive(HidPosReport(identifier: ean, data: Array("4006381333931".utf8), continues: false).bytes, at: 0)
        guard case .scan(let scan) = try #require(events.first) else { Issue.record("no scan"); return }
        #expect(try scan.barcode().gtin?.code == "4006381333931")
    }

    @Test(arguments: [2, 3])
    func aBarcodeSpreadOverSeveralReportsIsJoined(reportCount: Int) throws {
        let gs = ScannerFixtures.gs
        var code = "0104600439931256" + "215Wq0Klqxq=ab" + gs + "91EE06" + gs + "92"
        while code.utf8.count <= HidPosReport.dataCapacity * (reportCount - 1) { code += "dGVzdA==" }
        let reports = Self.reports(Array(code.utf8), identifier: Self.dataMatrix)
        #expect(reports.count == reportCount)
        var assembler = HidPosReportAssembler()
        var events: [HidPosEvent] = []
        for (index, report) in reports.enumerated() {
            events += assembler.receive(report, at: UInt64(index * 4))
            #expect(index == reports.count - 1 || events.isEmpty)
        }
        #expect(events.count == 1)
        guard case .scan(let scan) = try #require(events.first) else { Issue.record("no scan"); return }
        #expect(scan.data == Array(code.utf8))
        let barcode = try scan.barcode()
        #expect(barcode.symbology == .gs1DataMatrix)
        #expect(barcode.gtin?.code == "4600439931256")
        #expect(barcode.elements?.value("91") == "EE06")
    }

    @Test(arguments: [
        ([UInt8](repeating: 0, count: 63), "63 bytes"),
        ([0x04] + [UInt8](repeating: 0, count: 63), "report id 0x4"),
        ([0x02, 57] + [UInt8](repeating: 0, count: 62), "57 data bytes"),
    ])
    func aMalformedReportIsRefusedWithAClearError(bytes: [UInt8], says: String) {
        let error = #expect(throws: ScanError.self) { try HidPosReport(parsing: bytes) }
        #expect(error?.code == .malformedReport)
        #expect(error?.message.contains(says) == true)
    }

    @Test func afterAMalformedReportTheNextBarcodeIsRead() throws {
        var assembler = HidPosReportAssembler()
        var events = assembler.receive([0x02, 200] + [UInt8](repeating: 0, count: 62), at: 0)
        events += assembler.receive(HidPosReport(identifier: nil, data: Array("96385074".utf8), continues: false).bytes, at: 1)
        #expect(events.count == 2)
        guard case .rejected(let error) = events[0], case .scan(let scan) = events[1] else { Issue.record("\(events)"); return }
        #expect(error.code == .malformedReport)
        #expect(try scan.barcode().gtin?.code == "96385074")
    }

    @Test func anotherReportIdLeavesTheBarcodeInProgressAlone() throws {
        let reports = Self.reports([UInt8](repeating: UInt8(ascii: "A"), count: 80), identifier: Self.qr)
        var assembler = HidPosReportAssembler()
        var events = assembler.receive(reports[0], at: 0)
        events += assembler.receive([0x01] + [UInt8](repeating: 0, count: 63), at: 1)
        events += assembler.receive(reports[1], at: 2)
        #expect(events.count == 2)
        guard case .scan(let scan) = events[1] else { Issue.record("\(events)"); return }
        #expect(scan.data.count == 80)
    }

    @Test func aBrokenReportMidBarcodeDropsTheRestOfThatBarcode() throws {
        let reports = Self.reports([UInt8](repeating: UInt8(ascii: "A"), count: 150), identifier: Self.qr)
        var broken = reports[1]
        broken[1] = 99
        var assembler = HidPosReportAssembler()
        var events = assembler.receive(reports[0], at: 0)
        events += assembler.receive(broken, at: 1)
        events += assembler.receive(reports[2], at: 2)
        events += assembler.receive(HidPosReport(identifier: nil, data: Array("96385074".utf8), continues: false).bytes, at: 3)
        let scans = events.compactMap { if case .scan(let scan) = $0 { scan } else { nil } }
        #expect(scans.map(\.data) == [Array("96385074".utf8)])
        #expect(events.count == 3)
    }

    @Test func aBarcodeWhoseContinuationNeverComesIsDropped() throws {
        let reports = Self.reports([UInt8](repeating: UInt8(ascii: "A"), count: 80), identifier: Self.qr)
        var assembler = HidPosReportAssembler(continuationTimeoutMs: 100)
        _ = assembler.receive(reports[0], at: 0)
        #expect(assembler.deadlineMs == 100)
        let events = assembler.tick(at: 100)
        guard case .rejected(let error) = try #require(events.first) else { Issue.record("\(events)"); return }
        #expect(error.code == .incompleteFrame)
        #expect(assembler.deadlineMs == nil)
    }

    @Test func aBarcodeLongerThanTheCapIsDropped() {
        let reports = Self.reports([UInt8](repeating: UInt8(ascii: "A"), count: 200), identifier: Self.qr)
        var assembler = HidPosReportAssembler(scanLengthMax: 100)
        var events: [HidPosEvent] = []
        for report in reports { events += assembler.receive(report, at: 0) }
        #expect(events.count == 1)
        guard case .rejected(let error) = events[0] else { Issue.record("\(events)"); return }
        #expect(error.code == .limitExceeded)
    }
}
