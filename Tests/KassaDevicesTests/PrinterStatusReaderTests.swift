import KassaDevices
import Testing

/// Answers are matched to requests in order; bad or unasked bytes never become a status.
@Suite struct PrinterStatusReaderTests {
    @Test func aRoundIsFourRequestsAndItsFourthAnswerGivesTheStatus() throws {
        var reader = PrinterStatusReader(drawerOpenWhenPin3High: true)
        #expect(try reader.sendRound() == [0x10, 4, 1, 0x10, 4, 2, 0x10, 4, 3, 0x10, 4, 4])
        #expect(reader.receive(0x12) == .answer(try PrinterStatusAnswer.parse(0x12, answering: .printer), status: nil))
        _ = reader.receive(0x12)
        _ = reader.receive(0x12)
        guard case .answer(_, let status?) = reader.receive(0x12) else { Issue.record("no status after four answers"); return }
        #expect(status.isReady)
        #expect(reader.pending.isEmpty)
    }

    @Test func aByteWithNothingPendingIsUnexpected() {
        var reader = PrinterStatusReader(drawerOpenWhenPin3High: true)
        #expect(reader.receive(0x12) == .unexpected(0x12))
    }

    @Test func aRejectedAnswerSpoilsItsRound() throws {
        var reader = PrinterStatusReader(drawerOpenWhenPin3High: true)
        _ = try reader.sendRound()
        guard case .rejected = reader.receive(0xFF) else { Issue.record("0xFF was taken as a status"); return }
        for _ in 0..<3 {
            if case .answer(_, .some) = reader.receive(0x12) { Issue.record("a spoilt round gave a status") }
        }
        #expect(reader.pending.isEmpty)
    }

    @Test func forgettingAfterATimeoutMakesALateAnswerUnexpected() throws {
        var reader = PrinterStatusReader(drawerOpenWhenPin3High: true)
        _ = try reader.sendRound()
        reader.forgetPending()
        #expect(reader.receive(0x12) == .unexpected(0x12))
    }

    @Test func requestsPendingAreBounded() throws {
        var reader = PrinterStatusReader(drawerOpenWhenPin3High: true)
        for _ in 0..<(PrinterStatusReader.pendingMax / 4) { _ = try reader.sendRound() }
        #expect(throws: EscPosError.self) { try reader.sendRound() }
        #expect(throws: EscPosError.self) { try reader.sent(.printer) }
    }
}
