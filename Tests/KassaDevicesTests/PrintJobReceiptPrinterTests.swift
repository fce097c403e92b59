import KassaDevices
import Testing

/// `ReceiptPrinter` drives the queue over a transport. Here the transport is an in-memory
/// printer that follows emupos's fault rules; the end-to-end tests put emupos itself behind a
/// TCP or serial transport.
@Suite struct PrintJobReceiptPrinterTests {
    final class Clock {
        var nowMs: UInt64 = 0
    }

    private func printer(_ device: PrintJobEmulatedPrinter, _ clock: Clock, events: @escaping (ReceiptPrinter.Event) -> Void) -> ReceiptPrinter {
        let settings = ReceiptPrinter.Settings(writeTimeoutMs: 100, statusTimeoutMs: 50, timing: PrintJobQueueTests.timing)
        return ReceiptPrinter(transport: device, profile: .epsonTMT20III, settings: settings, nowMs: { clock.nowMs }, onEvent: events)
    }

    /// Polls every 100 ms of the fake clock until `until` or `limitMs`.
    private func run(_ printer: ReceiptPrinter, _ clock: Clock, forMs: UInt64, step: (UInt64) -> Void = { _ in }) {
        let end = clock.nowMs + forMs
        while clock.nowMs < end {
            clock.nowMs += 100
            step(clock.nowMs)
            printer.poll()
        }
    }

    @Test func aReceiptInterruptedByPaperOutIsOnPaperOnceAfterNewPaper() throws {
        let device = PrintJobEmulatedPrinter(), clock = Clock()
        var events: [ReceiptPrinter.Event] = []
        let printer = printer(device, clock) { events.append($0) }
        try printer.open()
        let bytes = try ReceiptLayout(profile: .epsonTMT20III).receipt(ReceiptLayoutTextTests.document)
        device.faultAfterPrintedBytes = (bytes.count / 2, .paperOut)
        try printer.print(PrintJob(id: "S-1001", bytes: bytes))
        run(printer, clock, forMs: 1_000)
        #expect(events.contains(.fault(jobId: "S-1001", .paperOut)))
        #expect(!events.contains(.printed(jobId: "S-1001")))
        #expect(device.receipts == 0)

        device.set(.paperOut, false)
        run(printer, clock, forMs: 1_000)
        #expect(events.filter { $0 == .printed(jobId: "S-1001") }.count == 1)
        #expect(device.receipts == 1)
        #expect(device.printed == bytes)
        #expect(printer.pendingJobs == 0)
        let updates = events.compactMap { if case .statusUpdate(let update, _) = $0 { update } else { nil } }
        #expect(updates == [.online, .coverOK, .paperOK, .drawerClosed, .offline, .paperEmpty, .online, .paperOK])
    }

    @Test func aCoverOpenedWhileTwoReceiptsWaitPrintsEachOnceInOrder() throws {
        let device = PrintJobEmulatedPrinter(), clock = Clock()
        var printed: [String] = []
        let printer = printer(device, clock) { if case .printed(let id) = $0 { printed.append(id) } }
        try printer.open()
        let first = try PrintJobQueueTests.receipt("S-1"), second = try PrintJobQueueTests.receipt("S-2")
        device.faultAfterPrintedBytes = (30, .coverOpen)
        try printer.print(first)
        try printer.print(second)
        run(printer, clock, forMs: 1_000)
        #expect(printed == [])
        device.set(.coverOpen, false)
        run(printer, clock, forMs: 2_000)
        #expect(printed == ["S-1", "S-2"])
        #expect(device.receipts == 2)
        #expect(device.printed == first.bytes + second.bytes)
    }

    /// A write that fails counts as not done, so the job is sent again. When the failed write
    /// had in fact delivered part of the job, the paper shows that torn part (no cut) and then
    /// the whole receipt: one receipt, as the queue's documentation says.
    @Test func aWriteThatFailsIsSentAgainAndThePaperShowsOneWholeReceipt() throws {
        let device = PrintJobEmulatedPrinter(), clock = Clock()
        var events: [ReceiptPrinter.Event] = []
        let printer = printer(device, clock) { events.append($0) }
        try printer.open()
        let job = try PrintJobQueueTests.receipt("S-9")
        device.failingJobWrites = 1
        device.bytesTakenByFailingWrite = job.bytes.count / 2
        try printer.print(job)
        run(printer, clock, forMs: 1_000)
        #expect(events.contains { if case .fault(_, .writeFailed) = $0 { true } else { false } })
        #expect(events.filter { $0 == .printed(jobId: "S-9") }.count == 1)
        #expect(device.receipts == 1)
        #expect(device.printed == Array(job.bytes.prefix(job.bytes.count / 2)) + job.bytes)
    }

    @Test func aPrinterThatDoesNotAnswerHoldsTheJobUntilItDoes() throws {
        let device = PrintJobEmulatedPrinter(), clock = Clock()
        var events: [ReceiptPrinter.Event] = []
        let printer = printer(device, clock) { events.append($0) }
        try printer.open()
        device.answering = false
        try printer.print(try PrintJobQueueTests.receipt("S-3"))
        run(printer, clock, forMs: 500)
        #expect(events == [.fault(jobId: "S-3", .notAnswering)])
        #expect(device.printed.isEmpty)
        device.answering = true
        run(printer, clock, forMs: 1_000)
        #expect(events.contains(.printed(jobId: "S-3")))
        #expect(device.receipts == 1)
    }

    @Test func theDrawerKickGoesStraightToThePrinter() throws {
        let device = PrintJobEmulatedPrinter(), clock = Clock()
        let printer = printer(device, clock) { _ in }
        try printer.open()
        try printer.send(ReceiptLayout(profile: .epsonTMT20III).drawerKick())
        #expect(device.printed == [0x1B, 0x70, 0, 50, 250])
    }
}
