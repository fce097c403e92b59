import KassaDevices

/// Where a lane device is, as written in `config/devices.yaml` or on the command line:
///
/// - `tcp:HOST:PORT`: a network printer's raw port (usually 9100);
/// - `usb:VID:PID` (hexadecimal, e.g. `usb:04b8:0202`): a USB printer-class printer or HID POS
///   scanner, through libusb;
/// - `file:PATH`: bytes to a file (a printer without paper) or from one (recorded scans);
/// - `serial:PATH` or a bare path (`/dev/ttyUSB0`, a pseudo-terminal): a serial port, with the
///   device's `serial` settings (`9600 8N1`).
public enum DeviceAddress: Hashable, Sendable {
    case tcp(host: String, port: UInt16)
    case usb(String)
    case file(String)
    case serial(String)

    /// Reads an address; the error says what forms are accepted.
    public init(parsing text: String) throws(DeviceError) {
        if text.hasPrefix("tcp:") {
            let rest = text.dropFirst(4)
            guard let colon = rest.lastIndex(of: ":"), let port = UInt16(rest[rest.index(after: colon)...]), port > 0,
                  colon > rest.startIndex else {
                throw DeviceError(.invalidConfiguration, "'\(text)' is not tcp:HOST:PORT (e.g. tcp:192.168.1.50:9100)")
            }
            self = .tcp(host: String(rest[..<colon]), port: port)
        } else if text.hasPrefix("usb:") {
            self = .usb(String(text.dropFirst(4)))
        } else if text.hasPrefix("file:") {
            guard text.count > 5 else { throw DeviceError(.invalidConfiguration, "'\(text)' names no file") }
            self = .file(String(text.dropFirst(5)))
        } else if text.hasPrefix("serial:") {
            self = .serial(String(text.dropFirst(7)))
        } else if text.hasPrefix("/") {
            self = .serial(text)
        } else {
            throw DeviceError(.invalidConfiguration, "'\(text)' is not a device address: use tcp:HOST:PORT, usb:VID:PID, file:PATH, serial:PATH or a /dev path")
        }
    }

    /// The transport for this address; `input` for a device read from (a scanner).
    public func transport(serial settings: SerialSettings, input: Bool, usb: () throws(DeviceError) -> USBContext) throws(DeviceError) -> any ByteTransport {
        switch self {
        case .tcp(let host, let port): return TCPTransport(host: host, port: port)
        case .file(let path): return FileTransport(path: path, direction: input ? .input : .output)
        case .serial(let path): return SerialTransport(path: path, settings: settings)
        case .usb(let text):
            let selector = try USBDeviceSelector(parsing: text)
            return input ? USBScannerTransport(context: try usb(), selector: selector) : USBPrinterTransport(context: try usb(), selector: selector)
        }
    }
}
