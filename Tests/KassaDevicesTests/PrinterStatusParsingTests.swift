import KassaDevices
import Testing

/// The one-byte `DLE EOT` answers, as Epson's reference lays them out and emupos sends them.
@Suite struct PrinterStatusParsingTests {
    private func parse(_ byte: UInt8, _ request: PrinterStatusRequest) throws -> PrinterStatusAnswer {
        try PrinterStatusAnswer.parse(byte, answering: request)
    }

    @Test func aPrinterThatIsWellAnswers0x12ToEveryRequest() throws {
        guard case .printer(let printer) = try parse(0x12, .printer),
              case .offlineCause(let cause) = try parse(0x12, .offlineCause),
              case .errorCause(let error) = try parse(0x12, .errorCause),
              case .paperSensor(let paper) = try parse(0x12, .paperSensor)
        else { Issue.record("answers of the wrong kind"); return }
        let status = PrinterStatus(printer: printer, offlineCause: cause, errorCause: error, paperSensor: paper, drawerOpenWhenPin3High: true)
        #expect(status == PrinterStatus(online: true))
        #expect(status.isReady)
        #expect(status.condition == .ready)
    }

    @Test func eachAnswerBitMeansWhatTheManualSays() throws {
        guard case .printer(let printer) = try parse(0x12 | 0x04 | 0x08 | 0x20 | 0x40, .printer) else { return }
        #expect(printer.drawerPin3High && printer.offline && printer.waitingForOnlineRecovery && printer.feedButtonPressed)
        guard case .offlineCause(let cause) = try parse(0x12 | 0x04 | 0x08 | 0x20 | 0x40, .offlineCause) else { return }
        #expect(cause.coverOpen && cause.paperFedByButton && cause.stoppedByPaperEnd && cause.errorOccurred)
        guard case .errorCause(let error) = try parse(0x12 | 0x04 | 0x08 | 0x20 | 0x40, .errorCause) else { return }
        #expect(error.recoverable && error.autocutter && error.unrecoverable && error.autoRecoverable)
        guard case .paperSensor(let paper) = try parse(0x12 | 0x0C | 0x60, .paperSensor) else { return }
        #expect(paper.nearEnd && paper.paperOut)
    }

    @Test func bytesWithoutTheFixedBitsAreRejected() {
        for byte: UInt8 in [0x00, 0x10, 0x02, 0x13, 0x92, 0xFF, 0x7F] {
            let error = #expect(throws: EscPosError.self) { try parse(byte, .printer) }
            #expect(error?.code == .invalidStatus)
        }
    }

    /// The bytes emupos sends (its `status.py`) for each fault, combined.
    @Test func emuposFaultAnswersCombineIntoTheirConditions() throws {
        func status(_ bytes: [UInt8], drawerOpenWhenPin3High: Bool = true) throws -> PrinterStatus {
            var reader = PrinterStatusReader(drawerOpenWhenPin3High: drawerOpenWhenPin3High)
            _ = try reader.sendRound()
            var result: PrinterStatus?
            for byte in bytes { if case .answer(_, let status?) = reader.receive(byte) { result = status } }
            return try #require(result)
        }
        let paperOut = try status([0x1A, 0x32, 0x12, 0x7E])
        #expect(paperOut.condition == .paperOut && !paperOut.isReady && !paperOut.online)
        let coverOpen = try status([0x1A, 0x16, 0x12, 0x12])
        #expect(coverOpen.condition == .coverOpen && !coverOpen.isReady)
        let nearEnd = try status([0x12, 0x12, 0x12, 0x1E])
        #expect(nearEnd.condition == .paperNearEnd && nearEnd.isReady)
        let drawer = try status([0x16, 0x12, 0x12, 0x12])
        #expect(drawer.drawerOpen && drawer.isReady)
        #expect(try !status([0x16, 0x12, 0x12, 0x12], drawerOpenWhenPin3High: false).drawerOpen)
        let cutter = try status([0x1A, 0x52, 0x1A, 0x12])
        #expect(cutter.condition == .error && cutter.error?.autocutter == true)
        let offline = try status([0x1A, 0x12, 0x12, 0x12])
        #expect(offline.condition == .offline)
    }
}
