import KassaDevices
import Testing

/// "A receipt counts as printed only when the printer is ready again; a receipt interrupted by
/// a fault is printed after the fault clears, exactly once." The queue's transitions, step by
/// step, against a printer that holds data through faults as emupos does.
@Suite struct PrintJobQueueTests {
    static let timing = ReceiptPrintQueue.Timing(statusPollIntervalMs: 100, printSettleMs: 300, sendAttemptsMax: 3)
    static let ready = PrinterStatus(online: true)
    static let paperOut = PrinterStatus(online: false, paperNearEnd: true, paperOut: true)
    static let coverOpen = PrinterStatus(online: false, coverOpen: true)

    static func receipt(_ id: String) throws -> PrintJob {
        var encoder = EscPosEncoder(codePage: .cp866)
        encoder.initialize()
        for line in 1...10 { try encoder.line("\(id) строка \(line)") }
        try encoder.cut(.partial, feedLines: 4)
        return PrintJob(id: id, bytes: try encoder.finished())
    }

    @Test func aJobIsSentOnlyAfterTheStatusSaysReadyAndPrintedOnlyAfterTheSettleTime() throws {
        var queue = ReceiptPrintQueue(timing: Self.timing)
        let job = try Self.receipt("S-1")
        #expect(try queue.enqueue(job, nowMs: 0) == [.queryStatus])
        #expect(queue.statusObserved(Self.ready, nowMs: 10) == [.send(job)])
        #expect(queue.bytesSent(nowMs: 20) == [])
        #expect(queue.tick(nowMs: 200) == [])
        #expect(queue.tick(nowMs: 320) == [.queryStatus])
        #expect(queue.tick(nowMs: 330) == [])
        #expect(queue.statusObserved(Self.ready, nowMs: 340) == [.markPrinted(jobId: "S-1")])
        #expect(queue.state == .idle)
    }

    @Test func paperOutInTheMiddleOfAReceiptIsPrintedOnceAfterNewPaper() throws {
        let printer = PrintJobEmulatedPrinter()
        try printer.open()
        var queue = ReceiptPrintQueue(timing: Self.timing)
        let job = try Self.receipt("S-1")
        printer.faultAfterPrintedBytes = (job.bytes.count / 2, .paperOut)

        #expect(try queue.enqueue(job, nowMs: 0) == [.queryStatus])
        #expect(queue.statusObserved(Self.ready, nowMs: 0) == [.send(job)])
        for byte in job.bytes { try printer.write([byte], timeoutMs: 0) }
        #expect(printer.faults == [.paperOut])
        #expect(queue.bytesSent(nowMs: 10) == [])
        #expect(queue.tick(nowMs: 310) == [.queryStatus])
        #expect(queue.statusObserved(Self.paperOut, nowMs: 310) == [.reportFault(jobId: "S-1", .paperOut)])
        #expect(queue.tick(nowMs: 410) == [.queryStatus])
        #expect(queue.statusObserved(Self.paperOut, nowMs: 410) == [])
        #expect(printer.receipts == 0)

        printer.set(.paperOut, false)
        #expect(queue.tick(nowMs: 510) == [.queryStatus])
        #expect(queue.statusObserved(Self.ready, nowMs: 510) == [.reportRecovered(jobId: "S-1")])
        #expect(queue.tick(nowMs: 610) == [])
        #expect(queue.tick(nowMs: 810) == [.queryStatus])
        #expect(queue.statusObserved(Self.ready, nowMs: 810) == [.markPrinted(jobId: "S-1")])
        #expect(printer.receipts == 1)
        #expect(printer.printed == job.bytes)
    }

    @Test func aCoverOpenedAndThenPaperOutAreEachReportedAndTheReceiptStillPrintsOnce() throws {
        let printer = PrintJobEmulatedPrinter()
        try printer.open()
        var queue = ReceiptPrintQueue(timing: Self.timing)
        let job = try Self.receipt("S-2")
        printer.faultAfterPrintedBytes = (20, .coverOpen)

        _ = try queue.enqueue(job, nowMs: 0)
        _ = queue.statusObserved(Self.ready, nowMs: 0)
        try printer.write(job.bytes, timeoutMs: 0)
        _ = queue.bytesSent(nowMs: 0)
        #expect(queue.tick(nowMs: 300) == [.queryStatus])
        #expect(queue.statusObserved(Self.coverOpen, nowMs: 300) == [.reportFault(jobId: "S-2", .coverOpen)])
        printer.set(.paperOut, true)
        printer.set(.coverOpen, false)
        #expect(printer.receipts == 0)
        _ = queue.tick(nowMs: 400)
        #expect(queue.statusObserved(Self.paperOut, nowMs: 400) == [.reportFault(jobId: "S-2", .paperOut)])
        printer.set(.paperOut, false)
        _ = queue.tick(nowMs: 500)
        #expect(queue.statusObserved(Self.ready, nowMs: 500) == [.reportRecovered(jobId: "S-2")])
        _ = queue.tick(nowMs: 800)
        #expect(queue.statusObserved(Self.ready, nowMs: 800) == [.markPrinted(jobId: "S-2")])
        #expect(printer.receipts == 1)
        #expect(printer.printed == job.bytes)
    }

    @Test func aFaultSeenBeforeSendingHoldsTheJobAndItIsSentOnceAfter() throws {
        var queue = ReceiptPrintQueue(timing: Self.timing)
        let job = try Self.receipt("S-3")
        _ = try queue.enqueue(job, nowMs: 0)
        #expect(queue.statusObserved(Self.coverOpen, nowMs: 0) == [.reportFault(jobId: "S-3", .coverOpen)])
        _ = queue.tick(nowMs: 100)
        #expect(queue.statusObserved(Self.ready, nowMs: 100) == [.reportRecovered(jobId: "S-3"), .send(job)])
    }

    @Test func aFailedWriteIsResentWhenThePrinterAnswersAndAbandonedAfterTheLastAttempt() throws {
        var queue = ReceiptPrintQueue(timing: Self.timing)
        let job = try Self.receipt("S-4")
        let failure = DeviceError(.timeout, "no room")
        _ = try queue.enqueue(job, nowMs: 0)
        _ = queue.statusObserved(Self.ready, nowMs: 0)
        #expect(queue.writeFailed(failure, nowMs: 0) == [.reportFault(jobId: "S-4", .writeFailed(failure))])
        _ = queue.tick(nowMs: 100)
        #expect(queue.statusObserved(Self.ready, nowMs: 100) == [.reportRecovered(jobId: "S-4"), .send(job)])
        _ = queue.writeFailed(failure, nowMs: 100)
        _ = queue.tick(nowMs: 200)
        #expect(queue.statusObserved(Self.ready, nowMs: 200) == [.reportRecovered(jobId: "S-4"), .send(job)])
        let last = queue.writeFailed(failure, nowMs: 200)
        #expect(last == [.abandon(jobId: "S-4", reason: "sent 3 times and failed: no room")])
        #expect(queue.state == .idle)
    }

    @Test func aPrinterThatStopsAnsweringAfterTakingTheBytesIsNotSentThemAgain() throws {
        var queue = ReceiptPrintQueue(timing: Self.timing)
        let job = try Self.receipt("S-5")
        _ = try queue.enqueue(job, nowMs: 0)
        _ = queue.statusObserved(Self.ready, nowMs: 0)
        _ = queue.bytesSent(nowMs: 0)
        _ = queue.tick(nowMs: 300)
        #expect(queue.statusUnavailable(nowMs: 1_300) == [.reportFault(jobId: "S-5", .notAnswering)])
        _ = queue.tick(nowMs: 1_400)
        #expect(queue.statusUnavailable(nowMs: 2_400) == [])
        _ = queue.tick(nowMs: 2_500)
        #expect(queue.statusObserved(Self.ready, nowMs: 2_500) == [.reportRecovered(jobId: "S-5")])
        _ = queue.tick(nowMs: 2_800)
        #expect(queue.statusObserved(Self.ready, nowMs: 2_800) == [.markPrinted(jobId: "S-5")])
    }

    @Test func jobsPrintInOrderAndTheNextIsSentOnTheReadyThatFinishedTheLast() throws {
        var queue = ReceiptPrintQueue(timing: Self.timing)
        let first = try Self.receipt("S-6"), second = try Self.receipt("S-7")
        _ = try queue.enqueue(first, nowMs: 0)
        #expect(try queue.enqueue(second, nowMs: 0) == [])
        #expect(queue.count == 2)
        _ = queue.statusObserved(Self.ready, nowMs: 0)
        _ = queue.bytesSent(nowMs: 0)
        _ = queue.tick(nowMs: 300)
        #expect(queue.statusObserved(Self.ready, nowMs: 300) == [.markPrinted(jobId: "S-6"), .send(second)])
    }

    @Test func theQueueIsBounded() throws {
        var queue = ReceiptPrintQueue(timing: Self.timing)
        let job = try Self.receipt("S")
        for _ in 0..<ReceiptPrintQueue.jobsMax { _ = try queue.enqueue(job, nowMs: 0) }
        let error = #expect(throws: EscPosError.self) { try queue.enqueue(job, nowMs: 0) }
        #expect(error?.code == .queueFull)
    }
}
