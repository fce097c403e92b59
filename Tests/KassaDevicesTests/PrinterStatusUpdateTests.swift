import KassaDevices
import Testing

/// Status changes come out as UnifiedPOS-style updates, one per part that changed.
@Suite struct PrinterStatusUpdateTests {
    @Test func theFirstStatusReportsEveryPart() {
        #expect(PrinterStatusUpdate.changes(from: nil, to: PrinterStatus(online: true)) == [.online, .coverOK, .paperOK, .drawerClosed])
    }

    @Test func onlyWhatChangedIsReported() {
        let ready = PrinterStatus(online: true)
        let paperOut = PrinterStatus(online: false, paperNearEnd: true, paperOut: true)
        #expect(PrinterStatusUpdate.changes(from: ready, to: ready) == [])
        #expect(PrinterStatusUpdate.changes(from: ready, to: paperOut) == [.offline, .paperEmpty])
        #expect(PrinterStatusUpdate.changes(from: paperOut, to: ready) == [.online, .paperOK])
        let coverOpen = PrinterStatus(online: false, coverOpen: true)
        #expect(PrinterStatusUpdate.changes(from: ready, to: coverOpen) == [.offline, .coverOpen])
        var drawer = ready
        drawer.drawerOpen = true
        #expect(PrinterStatusUpdate.changes(from: ready, to: drawer) == [.drawerOpen])
        var nearEnd = ready
        nearEnd.paperNearEnd = true
        #expect(PrinterStatusUpdate.changes(from: ready, to: nearEnd) == [.paperNearEmpty])
    }

    @Test func anErrorAndItsClearingAreReported() throws {
        let ready = PrinterStatus(online: true)
        guard case .errorCause(let cause) = try PrinterStatusAnswer.parse(0x1A, answering: .errorCause) else { return }
        let failed = PrinterStatus(online: false, error: cause)
        #expect(PrinterStatusUpdate.changes(from: ready, to: failed) == [.offline, .error])
        #expect(PrinterStatusUpdate.changes(from: failed, to: ready) == [.online, .errorCleared])
    }
}
