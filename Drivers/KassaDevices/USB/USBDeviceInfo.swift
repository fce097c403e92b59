/// What the descriptors of one USB device say, copied out of libusb into plain values.
public struct USBDeviceInfo: Hashable, Sendable {
    /// The bus number.
    public var bus: UInt8
    /// The device's address on its bus (changes when it is plugged in again).
    public var address: UInt8
    /// The hub ports from the root to the device (stable while the cable stays in the same socket).
    public var ports: [UInt8]
    /// The vendor id (idVendor).
    public var vendorId: UInt16
    /// The product id (idProduct).
    public var productId: UInt16
    /// The device class (bDeviceClass); 0 means "see each interface".
    public var deviceClass: UInt8
    /// The interfaces of the active configuration, first alternate setting of each.
    public var interfaces: [USBInterfaceInfo]
    /// The manufacturer string, when it could be read.
    public var manufacturer: String?
    /// The product string, when it could be read.
    public var product: String?
    /// The serial number string, when it could be read.
    public var serialNumber: String?

    /// A description of a device.
    public init(bus: UInt8, address: UInt8, ports: [UInt8] = [], vendorId: UInt16, productId: UInt16, deviceClass: UInt8 = 0,
                interfaces: [USBInterfaceInfo] = [], manufacturer: String? = nil, product: String? = nil, serialNumber: String? = nil) {
        self.bus = bus
        self.address = address
        self.ports = ports
        self.vendorId = vendorId
        self.productId = productId
        self.deviceClass = deviceClass
        self.interfaces = interfaces
        self.manufacturer = manufacturer
        self.product = product
        self.serialNumber = serialNumber
    }

    /// `vvvv:pppp` in lowercase hex, as lsusb prints it.
    public var vidPid: String { "\(USBDeviceInfo.hex(vendorId)):\(USBDeviceInfo.hex(productId))" }

    /// The device's name in sysfs, e.g. `1-1.4`, which is where its string attributes live.
    public var sysfsName: String {
        ports.isEmpty ? "usb\(bus)" : "\(bus)-" + ports.map(String.init).joined(separator: ".")
    }

    /// Four lowercase hex digits.
    public static func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

/// One interface of a USB device: its class and endpoints.
public struct USBInterfaceInfo: Hashable, Sendable {
    /// bInterfaceNumber.
    public var number: UInt8
    /// bInterfaceClass (3 HID, 7 printer, 2 and 10 CDC, 255 vendor specific).
    public var interfaceClass: UInt8
    /// bInterfaceSubClass.
    public var subclass: UInt8
    /// bInterfaceProtocol.
    public var interfaceProtocol: UInt8
    /// The endpoints, in descriptor order.
    public var endpoints: [USBEndpointInfo]

    /// A description of an interface.
    public init(number: UInt8, interfaceClass: UInt8, subclass: UInt8 = 0, interfaceProtocol: UInt8 = 0, endpoints: [USBEndpointInfo] = []) {
        self.number = number
        self.interfaceClass = interfaceClass
        self.subclass = subclass
        self.interfaceProtocol = interfaceProtocol
        self.endpoints = endpoints
    }

    /// The first endpoint of `transfer` type going in (`input`) or out.
    public func endpoint(_ transfer: USBEndpointInfo.Transfer, input: Bool) -> USBEndpointInfo? {
        endpoints.first { $0.transfer == transfer && $0.isInput == input }
    }
}

/// One endpoint: its address, direction and transfer type.
public struct USBEndpointInfo: Hashable, Sendable {
    /// How the endpoint moves data (bmAttributes bits 0–1).
    public enum Transfer: UInt8, Hashable, Sendable {
        case control = 0, isochronous = 1, bulk = 2, interrupt = 3
    }

    /// bEndpointAddress; bit 7 set means device to host.
    public var address: UInt8
    /// The transfer type.
    public var transfer: Transfer
    /// wMaxPacketSize: the size of one packet (one HID report for an interrupt endpoint).
    public var maxPacketSize: Int

    /// A description of an endpoint.
    public init(address: UInt8, transfer: Transfer, maxPacketSize: Int) {
        self.address = address
        self.transfer = transfer
        self.maxPacketSize = maxPacketSize
    }

    /// Whether data flows from the device to the host.
    public var isInput: Bool { address & 0x80 != 0 }
}
