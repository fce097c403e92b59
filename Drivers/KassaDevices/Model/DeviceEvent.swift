/// Whether a device can be reached, as UnifiedPOS's power state reports it.
public enum DeviceStatus: String, Hashable, Sendable {
    /// The transport is open and answering.
    case online
    /// The device is gone (unplugged, switched off, connection lost); a reconnect is pending.
    case offline
}

/// What a device tells its owner, in UnifiedPOS's event categories.
public enum DeviceEvent: Hashable, Sendable {
    /// Bytes the device sent (a scanner's frames, a printer's status bytes).
    case data([UInt8])
    /// Something failed; `output` names the ``DeviceConnection/send(_:)`` call it belongs to, if any.
    case error(DeviceError, output: UInt64?)
    /// The device came online or went offline.
    case statusUpdate(DeviceStatus)
    /// The bytes of the `send` call numbered `output` were all handed to the device.
    case outputComplete(output: UInt64)
}
