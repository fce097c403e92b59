/// Which USB device a transport should open: by vendor and product id, narrowed by serial
/// number or bus position when a till has two of the same.
///
/// In configuration: `"04b8:0e15"`, `"04b8:0e15 serial=ABC123"` or `"04b8:0e15 bus=1 address=7"`.
public struct USBDeviceSelector: Hashable, Sendable, CustomStringConvertible {
    /// idVendor.
    public var vendorId: UInt16
    /// idProduct.
    public var productId: UInt16
    /// The serial number string, when given.
    public var serialNumber: String?
    /// The bus number, when given.
    public var bus: UInt8?
    /// The address on the bus, when given.
    public var address: UInt8?

    /// A selector from fields.
    public init(vendorId: UInt16, productId: UInt16, serialNumber: String? = nil, bus: UInt8? = nil, address: UInt8? = nil) {
        self.vendorId = vendorId
        self.productId = productId
        self.serialNumber = serialNumber
        self.bus = bus
        self.address = address
    }

    /// A selector from configuration text such as `"04b8:0e15 serial=ABC123"`.
    public init(parsing text: String) throws(DeviceError) {
        let words = text.split(separator: " ").map(String.init)
        let ids = words.first?.split(separator: ":") ?? []
        guard ids.count == 2, ids.allSatisfy({ $0.count == 4 }), let vendor = UInt16(ids[0], radix: 16), let product = UInt16(ids[1], radix: 16) else {
            throw DeviceError(.invalidConfiguration, "USB device '\(text)' should start with vendor:product in hex, e.g. 04b8:0e15")
        }
        self.init(vendorId: vendor, productId: product)
        for word in words.dropFirst() {
            let pair = word.split(separator: "=", maxSplits: 1).map(String.init)
            switch (pair.first, pair.count == 2 ? pair[1] : nil) {
            case ("serial", let value?): serialNumber = value
            case ("bus", let value?) where UInt8(value) != nil: bus = UInt8(value)
            case ("address", let value?) where UInt8(value) != nil: address = UInt8(value)
            default:
                throw DeviceError(.invalidConfiguration, "USB device '\(text)': '\(word)' is not serial=…, bus=N or address=N")
            }
        }
    }

    /// Whether `device` is the one meant.
    public func matches(_ device: USBDeviceInfo) -> Bool {
        device.vendorId == vendorId && device.productId == productId
            && (bus == nil || bus == device.bus) && (address == nil || address == device.address)
            && (serialNumber == nil || serialNumber == device.serialNumber)
    }

    /// The selector in configuration form.
    public var description: String {
        var text = "\(USBDeviceInfo.hex(vendorId)):\(USBDeviceInfo.hex(productId))"
        if let serialNumber { text += " serial=\(serialNumber)" }
        if let bus { text += " bus=\(bus)" }
        if let address { text += " address=\(address)" }
        return text
    }
}
