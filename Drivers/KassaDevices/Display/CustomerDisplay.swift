/// The customer display on its transport (usually a serial port): the lane shows each scanned
/// item with the running total, then the total to pay.
public final class CustomerDisplay {
    /// The connection to the display.
    public let transport: any ByteTransport
    /// The display's commands and character table.
    public let encoder: CustomerDisplayEncoder
    /// Time for the display to take one update.
    public let writeTimeoutMs: Int

    /// A display on `transport`, not yet open.
    public init(transport: any ByteTransport, encoder: CustomerDisplayEncoder = CustomerDisplayEncoder(), writeTimeoutMs: Int = 1_000) {
        self.transport = transport
        self.encoder = encoder
        self.writeTimeoutMs = writeTimeoutMs
    }

    /// Opens the transport and resets the display to a blank screen.
    public func open() throws(DeviceError) {
        try transport.open()
        try transport.write(encoder.initialize(), timeoutMs: writeTimeoutMs)
    }

    /// Closes the transport.
    public func close() { transport.close() }

    /// Shows the item just scanned and the running total.
    public func showItem(_ name: String, price: Int64, total: Int64) throws(DeviceError) {
        try transport.write(encoder.item(name, price: price, total: total), timeoutMs: writeTimeoutMs)
    }

    /// Shows the total to pay, with a caption above it.
    public func showTotal(_ total: Int64, caption: String = "") throws(DeviceError) {
        try transport.write(encoder.total(total, caption: caption), timeoutMs: writeTimeoutMs)
    }

    /// Shows two lines of text (a greeting between customers).
    public func show(_ upper: String, _ lower: String) throws(DeviceError) {
        try transport.write(encoder.lines(upper, lower), timeoutMs: writeTimeoutMs)
    }

    /// Blanks the display.
    public func clear() throws(DeviceError) {
        try transport.write(encoder.clear(), timeoutMs: writeTimeoutMs)
    }
}
