import KassaDevices
import Testing

/// The UnifiedPOS device lifecycle as a state machine: each call's actions, and typed errors
/// for calls made in the wrong state.
@Suite struct LifecycleTests {
    @Test func theWholeLifeInOrderReturnsEachStepsActions() throws {
        var device = DeviceLifecycle(device: "scanner")
        #expect(device.open() == [.openTransport])
        #expect(try device.claim(by: "lane") == [.claimTransport])
        #expect(try device.enable(by: "lane") == [.startReading, .deliver(.statusUpdate(.offline))])
        #expect(device.transportOpened() == [.deliver(.statusUpdate(.online))])
        #expect(device.received([0x41]) == [.deliver(.data([0x41]))])
        #expect(device.outputCompleted(7) == [.deliver(.outputComplete(output: 7))])
        #expect(try device.disable(by: "lane") == [.stopReading])
        #expect(try device.release(by: "lane") == [.releaseTransport])
        #expect(device.close() == [.closeTransport])
        #expect(device.state == .closed)
    }

    @Test func claimingADeviceSomeoneElseHoldsIsClaimed() throws {
        var device = DeviceLifecycle(device: "printer")
        _ = device.open()
        _ = try device.claim(by: "lane 1")
        let claiming = #expect(throws: DeviceError.self) { try device.claim(by: "lane 2") }
        let enabling = #expect(throws: DeviceError.self) { try device.enable(by: "lane 2") }
        let releasing = #expect(throws: DeviceError.self) { try device.release(by: "lane 2") }
        for error in [claiming, enabling, releasing] {
            #expect(error?.code == .claimed)
            #expect(error?.message.contains("lane 1") == true)
        }
        #expect(device.state == .claimed(owner: "lane 1"))
    }

    @Test func callsBeforeOpenAreClosed() {
        var device = DeviceLifecycle(device: "printer")
        let claiming = #expect(throws: DeviceError.self) { try device.claim(by: "lane") }
        #expect(claiming?.code == .closed)
        let enabling = #expect(throws: DeviceError.self) { try device.enable(by: "lane") }
        #expect(enabling?.code == .closed)
        let writing = #expect(throws: DeviceError.self) { try device.checkOutput(by: "lane") }
        #expect(writing?.code == .closed)
        #expect(device.state == .closed)
    }

    @Test func writingNeedsAnEnabledOnlineDevice() throws {
        var device = DeviceLifecycle(device: "printer")
        _ = device.open()
        let unclaimed = #expect(throws: DeviceError.self) { try device.enable(by: "lane") }
        #expect(unclaimed?.code == .closed)
        _ = try device.claim(by: "lane")
        let notEnabled = #expect(throws: DeviceError.self) { try device.checkOutput(by: "lane") }
        #expect(notEnabled?.message.contains("not enabled") == true)
        _ = try device.enable(by: "lane")
        let offline = #expect(throws: DeviceError.self) { try device.checkOutput(by: "lane") }
        #expect(offline?.code == .offline)
        _ = device.transportOpened()
        try device.checkOutput(by: "lane")
    }

    @Test func inputIsDroppedUnlessEnabledAndStatusIsReportedOnlyOnChange() throws {
        var device = DeviceLifecycle(device: "scanner")
        _ = device.open()
        _ = try device.claim(by: "lane")
        #expect(device.received([1, 2]).isEmpty)
        #expect(device.transportOpened().isEmpty) // claimed but not enabled: the state changes silently
        _ = try device.enable(by: "lane")
        #expect(device.transportOpened().isEmpty)
        #expect(device.transportLost() == [.deliver(.statusUpdate(.offline))])
        #expect(device.transportLost().isEmpty)
    }

    @Test func closingFromEnabledUndoesEverythingAndRepeatedCallsDoNothing() throws {
        var device = DeviceLifecycle(device: "scanner")
        _ = device.open()
        #expect(device.open().isEmpty)
        _ = try device.claim(by: "lane")
        #expect(try device.claim(by: "lane").isEmpty)
        _ = try device.enable(by: "lane")
        #expect(device.close() == [.stopReading, .releaseTransport, .closeTransport])
        #expect(device.close().isEmpty)
        #expect(device.status == .offline)
    }
}
