/// A byte stream to and from one device: a serial port, a USB endpoint pair, a TCP connection
/// or a file. Transports know nothing of what the bytes mean (scanner frames, ESC/POS); the
/// device types above them do.
///
/// A transport is used by one thread at a time (the device's own); implementations are
/// classes that own their handle and close it in `deinit`.
public protocol ByteTransport: AnyObject {
    /// Where the transport goes, for messages ("serial /dev/ttyUSB0", "tcp 127.0.0.1:9100").
    var address: String { get }
    /// Opens the connection; opening an open transport does nothing.
    func open() throws(DeviceError)
    /// Reads what is available, waiting at most `timeoutMs` for the first byte; returns an
    /// empty array when nothing came in time. Throws `.offline` once the device is gone.
    func read(maxBytes: Int, timeoutMs: Int) throws(DeviceError) -> [UInt8]
    /// Writes all of `bytes` within `timeoutMs`, or throws (`.timeout` with nothing known about
    /// how much the device took: the caller treats the write as not done).
    func write(_ bytes: [UInt8], timeoutMs: Int) throws(DeviceError)
    /// Closes the connection; closing a closed transport does nothing.
    func close()
}
