import CSerialPort
#if canImport(Glibc)
import Glibc
#endif

/// One serial port the system has, as libserialport describes it.
public struct SerialPortInfo: Hashable, Sendable {
    /// How the port is attached.
    public enum Transport: String, Hashable, Sendable {
        case native, usb, bluetooth
    }

    /// The device path, e.g. `/dev/ttyUSB0`.
    public var path: String
    /// The system's description of the port.
    public var description: String?
    /// How the port is attached.
    public var transport: Transport
    /// The USB vendor id, for a USB port.
    public var vendorId: UInt16?
    /// The USB product id, for a USB port.
    public var productId: UInt16?
    /// The USB manufacturer string, for a USB port.
    public var manufacturer: String?
    /// The USB product string, for a USB port.
    public var product: String?
    /// The USB serial number, for a USB port.
    public var serialNumber: String?

    /// A description of a port.
    public init(path: String, description: String? = nil, transport: Transport = .native, vendorId: UInt16? = nil, productId: UInt16? = nil,
                manufacturer: String? = nil, product: String? = nil, serialNumber: String? = nil) {
        self.path = path
        self.description = description
        self.transport = transport
        self.vendorId = vendorId
        self.productId = productId
        self.manufacturer = manufacturer
        self.product = product
        self.serialNumber = serialNumber
    }

    /// `vvvv:pppp` for a USB port.
    public var vidPid: String? {
        guard let vendorId, let productId else { return nil }
        return "\(USBDeviceInfo.hex(vendorId)):\(USBDeviceInfo.hex(productId))"
    }
}

/// Lists serial ports through libserialport (`sp_list_ports`).
public enum SerialPortDiscovery {
    /// The serial ports present now; an empty list when there are none.
    public static func ports() throws(DeviceError) -> [SerialPortInfo] {
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let result = sp_list_ports(&list)
        // libserialport lists /sys/class/tty; a system without that directory has no serial ports.
        if result == SP_ERR_FAIL && sp_last_error_code() == ENOENT { return [] }
        guard result.rawValue >= 0, let list else { throw SerialPortTransport.error(result, "listing serial ports") }
        defer { sp_free_port_list(list) }
        var ports: [SerialPortInfo] = []
        var index = 0
        while let port = list[index] {
            ports.append(describe(port))
            index += 1
        }
        return ports.sorted { $0.path < $1.path }
    }

    private static func describe(_ port: OpaquePointer) -> SerialPortInfo {
        let text = { (value: UnsafeMutablePointer<CChar>?) in value.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } }
        var info = SerialPortInfo(path: text(sp_get_port_name(port)) ?? "?", description: text(sp_get_port_description(port)))
        switch sp_get_port_transport(port) {
        case SP_TRANSPORT_USB:
            info.transport = .usb
            var vendor: Int32 = 0
            var product: Int32 = 0
            if sp_get_port_usb_vid_pid(port, &vendor, &product).rawValue >= 0 {
                info.vendorId = UInt16(truncatingIfNeeded: vendor)
                info.productId = UInt16(truncatingIfNeeded: product)
            }
            info.manufacturer = text(sp_get_port_usb_manufacturer(port))
            info.product = text(sp_get_port_usb_product(port))
            info.serialNumber = text(sp_get_port_usb_serial(port))
        case SP_TRANSPORT_BLUETOOTH:
            info.transport = .bluetooth
        default:
            info.transport = .native
        }
        return info
    }
}
