/// One device's life as UnifiedPOS describes it: `open → claim → enable → events → disable →
/// release → close`, with the device going offline and coming back at any point in between.
///
/// A value type with no I/O: each call checks that it is allowed in the current state, moves to
/// the next state and returns the actions its owner must carry out (open the transport, start
/// reading, deliver an event), in order. Calls made in the wrong state throw and change nothing.
public struct DeviceLifecycle: Hashable, Sendable {
    /// Where the device stands.
    public enum State: Hashable, Sendable {
        /// Not open; nothing may be done but `open`.
        case closed
        /// Open, so its properties can be read, but nobody holds it.
        case opened
        /// Held by `owner`, who alone may enable it and write to it.
        case claimed(owner: String)
        /// Held by `owner` and delivering events.
        case enabled(owner: String)
    }

    /// What the owner of the state machine must do, in the order returned.
    public enum Action: Hashable, Sendable {
        /// Open the transport (the reconnect loop keeps trying when it fails).
        case openTransport
        /// Take exclusive use of the device (a USB interface claim; nothing for a serial port).
        case claimTransport
        /// Start reading from the device.
        case startReading
        /// Stop reading from the device.
        case stopReading
        /// Give up exclusive use of the device.
        case releaseTransport
        /// Close the transport.
        case closeTransport
        /// Hand this event to the owner.
        case deliver(DeviceEvent)
    }

    /// Where the device stands.
    public private(set) var state: State = .closed
    /// Whether the transport last answered (`online`) or failed (`offline`).
    public private(set) var status: DeviceStatus = .offline
    /// The name used in messages ("scanner", "receipt printer").
    public let device: String

    /// A closed device called `device` in messages.
    public init(device: String) {
        self.device = device
    }

    /// Opens the device; opening an open device does nothing.
    public mutating func open() -> [Action] {
        switch state {
        case .closed:
            state = .opened
            return [.openTransport]
        case .opened, .claimed, .enabled:
            return []
        }
    }

    /// Gives `owner` exclusive use. Throws `.closed` before `open`, `.claimed` when someone else holds it.
    public mutating func claim(by owner: String) throws(DeviceError) -> [Action] {
        switch state {
        case .closed:
            throw notOpen("claim")
        case .opened:
            state = .claimed(owner: owner)
            return [.claimTransport]
        case .claimed(let holder), .enabled(let holder):
            guard holder == owner else { throw claimedByOther(holder) }
            return []
        }
    }

    /// Starts event delivery for the holder; the first event says whether the device is online.
    public mutating func enable(by owner: String) throws(DeviceError) -> [Action] {
        switch state {
        case .closed:
            throw notOpen("enable")
        case .opened:
            throw DeviceError(.closed, "the \(device) is not claimed: claim it before enabling it")
        case .claimed(let holder):
            guard holder == owner else { throw claimedByOther(holder) }
            state = .enabled(owner: owner)
            return [.startReading, .deliver(.statusUpdate(status))]
        case .enabled(let holder):
            guard holder == owner else { throw claimedByOther(holder) }
            return []
        }
    }

    /// Stops event delivery; the device stays claimed.
    public mutating func disable(by owner: String) throws(DeviceError) -> [Action] {
        switch state {
        case .closed:
            throw notOpen("disable")
        case .opened:
            throw DeviceError(.closed, "the \(device) is not claimed, so there is nothing to disable")
        case .claimed(let holder):
            guard holder == owner else { throw claimedByOther(holder) }
            return []
        case .enabled(let holder):
            guard holder == owner else { throw claimedByOther(holder) }
            state = .claimed(owner: owner)
            return [.stopReading]
        }
    }

    /// Gives up exclusive use (disabling first when enabled).
    public mutating func release(by owner: String) throws(DeviceError) -> [Action] {
        switch state {
        case .closed:
            throw notOpen("release")
        case .opened:
            return []
        case .claimed(let holder):
            guard holder == owner else { throw claimedByOther(holder) }
            state = .opened
            return [.releaseTransport]
        case .enabled(let holder):
            guard holder == owner else { throw claimedByOther(holder) }
            state = .opened
            return [.stopReading, .releaseTransport]
        }
    }

    /// Closes the device from any state, undoing whatever enable and claim did.
    public mutating func close() -> [Action] {
        let actions: [Action] = switch state {
        case .closed: []
        case .opened: [.closeTransport]
        case .claimed: [.releaseTransport, .closeTransport]
        case .enabled: [.stopReading, .releaseTransport, .closeTransport]
        }
        state = .closed
        status = .offline
        return actions
    }

    /// Checks that `owner` may write: the device must be enabled by them and online.
    public func checkOutput(by owner: String) throws(DeviceError) {
        switch state {
        case .closed:
            throw notOpen("write to")
        case .opened, .claimed:
            throw DeviceError(.closed, "the \(device) is not enabled: enable it before writing")
        case .enabled(let holder):
            guard holder == owner else { throw claimedByOther(holder) }
            guard status == .online else { throw DeviceError(.offline, "the \(device) is offline: check its cable and power") }
        }
    }

    /// The transport opened (again): the device is online.
    public mutating func transportOpened() -> [Action] {
        statusChanged(to: .online)
    }

    /// The transport failed or could not be opened: the device is offline.
    public mutating func transportLost() -> [Action] {
        statusChanged(to: .offline)
    }

    /// Bytes arrived; they reach the owner only while enabled (UnifiedPOS drops input of a
    /// disabled device, so a scan made while the lane is busy elsewhere is not applied later).
    public func received(_ bytes: [UInt8]) -> [Action] {
        switch state {
        case .closed, .opened, .claimed: []
        case .enabled: bytes.isEmpty ? [] : [.deliver(.data(bytes))]
        }
    }

    /// A write finished; the holder hears of it while they hold the device.
    public func outputCompleted(_ output: UInt64) -> [Action] {
        switch state {
        case .closed, .opened: []
        case .claimed, .enabled: [.deliver(.outputComplete(output: output))]
        }
    }

    /// Something failed; the holder hears of it while they hold the device.
    public func failed(_ error: DeviceError, output: UInt64?) -> [Action] {
        switch state {
        case .closed, .opened: []
        case .claimed, .enabled: [.deliver(.error(error, output: output))]
        }
    }

    private mutating func statusChanged(to new: DeviceStatus) -> [Action] {
        guard status != new else { return [] }
        status = new
        switch state {
        case .closed, .opened, .claimed: return []
        case .enabled: return [.deliver(.statusUpdate(new))]
        }
    }

    private func notOpen(_ verb: String) -> DeviceError {
        DeviceError(.closed, "cannot \(verb) the \(device): it is not open")
    }

    private func claimedByOther(_ holder: String) -> DeviceError {
        DeviceError(.claimed, "the \(device) is claimed by \(holder): it must release it first")
    }
}
