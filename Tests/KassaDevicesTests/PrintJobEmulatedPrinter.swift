import KassaDevices

/// An in-memory printer that keeps to emupos's rules for faults (its `printer/printer.py`), so
/// the print-job tests can count what ends up on paper. The end-to-end tests use emupos itself.
///
/// - `DLE EOT n` is answered at once, fault or not, with the bytes emupos's `status.py` sends.
/// - While paper-out or cover-open is active, every other byte is held in order; clearing the
///   last fault prints the held bytes. Nothing is dropped, nothing is printed twice.
/// - A receipt is finished at its cut (`GS V`); `receipts` counts cuts printed.
/// - `faultAfterPrintedBytes` sets a fault once that many print bytes were printed, which is
///   paper running out in the middle of a receipt.
/// - `failingJobWrites` makes the next writes of print data (not status requests) time out
///   after taking `bytesTakenByFailingWrite` of their bytes.
final class PrintJobEmulatedPrinter: ByteTransport {
    enum Fault: Hashable { case paperOut, coverOpen }

    let address = "emulated printer"
    private(set) var faults: Set<Fault> = []
    /// Every print byte printed, in order.
    private(set) var printed: [UInt8] = []
    /// Print bytes waiting for the faults to clear.
    private(set) var held: [UInt8] = []
    /// Answers not read yet.
    private var answers: [UInt8] = []
    private var pendingStatus: [UInt8] = []
    var faultAfterPrintedBytes: (count: Int, fault: Fault)?
    var failingJobWrites = 0
    var bytesTakenByFailingWrite = 0
    var answering = true
    private(set) var isOpen = false

    func open() throws(DeviceError) { isOpen = true }
    func close() { isOpen = false }

    func read(maxBytes: Int, timeoutMs: Int) throws(DeviceError) -> [UInt8] {
        guard isOpen else { throw DeviceError(.closed, "\(address) is not open") }
        let taken = Array(answers.prefix(maxBytes))
        answers.removeFirst(taken.count)
        return taken
    }

    func write(_ bytes: [UInt8], timeoutMs: Int) throws(DeviceError) {
        guard isOpen else { throw DeviceError(.closed, "\(address) is not open") }
        if failingJobWrites > 0 && bytes.first != 0x10 {
            failingJobWrites -= 1
            for byte in bytes.prefix(bytesTakenByFailingWrite) { take(byte) }
            throw DeviceError(.timeout, "the emulated printer took \(bytesTakenByFailingWrite) of \(bytes.count) bytes")
        }
        for byte in bytes { take(byte) }
    }

    /// Sets or clears a fault; clearing the last one prints what was held.
    func set(_ fault: Fault, _ active: Bool) {
        if active { faults.insert(fault) } else { faults.remove(fault) }
        if faults.isEmpty {
            let release = held
            held = []
            for byte in release { print(byte) }
        }
    }

    /// Receipts on paper: the cuts printed.
    var receipts: Int { occurrences(of: [0x1D, 0x56]) }

    /// How often `needle` was printed.
    func occurrences(of needle: [UInt8]) -> Int {
        guard printed.count >= needle.count else { return 0 }
        return (0...(printed.count - needle.count)).filter { Array(printed[$0..<($0 + needle.count)]) == needle }.count
    }

    private func take(_ byte: UInt8) {
        // A DLE EOT n that starts where a command can start is answered at once (real-time).
        if pendingStatus.isEmpty && byte == 0x10 || pendingStatus == [0x10] && byte == 0x04 {
            pendingStatus.append(byte)
            return
        }
        if pendingStatus == [0x10, 0x04] {
            pendingStatus = []
            if answering { answers.append(statusByte(byte)) }
            return
        }
        let stray = pendingStatus
        pendingStatus = []
        for early in stray + [byte] {
            if faults.isEmpty { print(early) } else { held.append(early) }
        }
    }

    private func print(_ byte: UInt8) {
        printed.append(byte)
        if let trigger = faultAfterPrintedBytes, printed.count >= trigger.count {
            faultAfterPrintedBytes = nil
            faults.insert(trigger.fault)
        }
    }

    private func statusByte(_ n: UInt8) -> UInt8 {
        let paperOut = faults.contains(.paperOut), coverOpen = faults.contains(.coverOpen)
        switch n {
        case 1: return 0x12 | (faults.isEmpty ? 0 : 0x08)
        case 2: return 0x12 | (coverOpen ? 0x04 : 0) | (paperOut ? 0x20 : 0)
        case 3: return 0x12
        case 4: return 0x12 | (paperOut ? 0x6C : 0)
        default: return 0x12
        }
    }
}
