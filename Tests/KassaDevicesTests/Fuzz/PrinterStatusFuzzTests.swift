import KassaDevices
import KassaTestSupport
import Testing

/// A million seeded random inputs (status requests and the bytes that come back, valid,
/// damaged or unasked) through the status reader, checking its invariants after each. A
/// failure names the seed and the step, which reproduce it.
@Suite struct PrinterStatusFuzzTests {
    static let seed: UInt64 = 0x4B41_5353_4120_5354
    static let inputs = 1_000_000

    @Test func aMillionRandomAnswersNeverBreakTheReaderInvariants() throws {
        var random = SeededGenerator(seed: Self.seed)
        var reader = PrinterStatusReader(drawerOpenWhenPin3High: true)
        var model: [PrinterStatusRequest] = []
        var statuses = 0, answers = 0, rejected = 0, unexpected = 0
        var previous: PrinterStatus?

        for step in 0..<Self.inputs {
            let word = random.next()
            switch word & 0xF {
            case 0:
                // A full round, unless too many requests wait, which the reader must refuse.
                let room = model.count + 4 <= PrinterStatusReader.pendingMax
                do {
                    let bytes = try reader.sendRound()
                    try #require(room, "step \(step): a round was accepted past the limit")
                    try #require(bytes.count == 12, "step \(step)")
                    model += PrinterStatusReader.round
                } catch {
                    try #require(!room, "step \(step): a round was refused with room for it")
                }
            case 1:
                let request = PrinterStatusRequest(rawValue: UInt8(truncatingIfNeeded: word >> 8) % 4 + 1)!
                do {
                    try reader.sent(request)
                    model.append(request)
                } catch {
                    try #require(model.count == PrinterStatusReader.pendingMax, "step \(step): refused below the limit")
                }
            case 2:
                reader.forgetPending()
                model.removeAll()
            default:
                // Half of the bytes look like answers (fixed bits right), half are anything.
                let raw = UInt8(truncatingIfNeeded: word >> 8)
                let byte = word & 0x10 == 0 ? raw : (raw & 0x6C) | 0x12
                let expected = model.first
                let wellFormed = byte & PrinterStatusAnswer.fixedMask == PrinterStatusAnswer.fixedBits
                switch reader.receive(byte) {
                case .unexpected(let echoed):
                    unexpected += 1
                    try #require(expected == nil && echoed == byte, "step \(step): a byte was unexpected with a request pending")
                case .rejected(let error):
                    rejected += 1
                    try #require(expected != nil && !wellFormed && error.code == .invalidStatus, "step \(step): 0x\(String(byte, radix: 16)) rejected wrongly")
                    model.removeFirst()
                case .answer(let answer, let status):
                    answers += 1
                    try #require(expected == answer.request && wellFormed && answer.byte == byte, "step \(step): answer 0x\(String(byte, radix: 16)) mismatched")
                    model.removeFirst()
                    if let status {
                        statuses += 1
                        try #require(answer.request == .paperSensor, "step \(step): a status before the round's end")
                        try checkInvariants(of: status, step: step)
                        let updates = PrinterStatusUpdate.changes(from: previous, to: status)
                        try #require(updates.isEmpty == (previous == status), "step \(step): updates disagree with the change")
                        previous = status
                    }
                }
            }
            try #require(reader.pending == model, "step \(step): pending requests drifted from the model")
            try #require(reader.pending.count <= PrinterStatusReader.pendingMax, "step \(step)")
        }
        // The generator must have reached every branch, or the test proves less than it says.
        #expect(statuses > 1_000 && answers > 10_000 && rejected > 10_000 && unexpected > 10_000)
    }

    private func checkInvariants(of status: PrinterStatus, step: Int) throws {
        if status.isReady {
            try #require(status.online && !status.coverOpen && !status.paperOut && status.error == nil, "step \(step): ready with a fault")
            try #require(status.condition == .ready || status.condition == .paperNearEnd, "step \(step)")
        } else {
            try #require(PrinterFault(status) != nil, "step \(step): not ready without a fault")
        }
        if status.paperOut { try #require(status.paperNearEnd && status.condition != .ready, "step \(step)") }
        if status.coverOpen { try #require(status.condition == .coverOpen, "step \(step)") }
    }
}
