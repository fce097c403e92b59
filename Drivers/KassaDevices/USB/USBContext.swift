import CLibUSB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The libusb library session every USB transport, discovery and hot-plug monitor shares.
///
/// This class owns the `libusb_context` and frees it in `deinit`. Its safety rests on one
/// invariant: the context outlives every handle, device reference and callback made from it,
/// which holds because each of those (``USBInterfaceHandle``, ``USBHotplugMonitor``) keeps a
/// strong reference to this object. libusb locks its own state, so one context may be used from
/// several threads; that is why the class is `Sendable`.
public final class USBContext: @unchecked Sendable {
    /// The libusb context; valid from `init` to `deinit`.
    let raw: OpaquePointer

    /// Starts a libusb session. Throws `.noHardware` when the system has no USB access (no
    /// `/dev/bus/usb`, as in many containers).
    public init() throws(DeviceError) {
        var context: OpaquePointer?
        let result = libusb_init(&context)
        guard result == 0, let context else {
            throw USBContext.error(result, "starting libusb (is /dev/bus/usb there and readable?)", noDevice: .noHardware)
        }
        raw = context
    }

    deinit { libusb_exit(raw) }

    /// Whether the system tells libusb about devices arriving and leaving; when not,
    /// ``USBHotplugMonitor`` polls the device list.
    public var supportsHotplug: Bool {
        libusb_has_capability(UInt32(LIBUSB_CAP_HAS_HOTPLUG.rawValue)) != 0
    }

    /// The devices connected now, by bus and address. Strings come from sysfs when it has them, else from the
    /// device itself when `readStrings` is set and it can be opened; otherwise they are `nil`.
    public func devices(readStrings: Bool = true) throws(DeviceError) -> [USBDeviceInfo] {
        try withDeviceList { devices in
            devices.map { USBContext.describe($0, readStrings: readStrings) }.sorted { ($0.bus, $0.address) < ($1.bus, $1.address) }
        }
    }

    /// Calls `body` with the devices connected now; the references are valid only inside it.
    func withDeviceList<T>(_ body: ([OpaquePointer]) throws(DeviceError) -> T) throws(DeviceError) -> T {
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let count = libusb_get_device_list(raw, &list)
        guard count >= 0, let list else { throw USBContext.error(Int32(count), "listing USB devices") }
        defer { libusb_free_device_list(list, 1) }
        let devices = (0..<count).compactMap { list[$0] }
        return try body(devices)
    }

    /// The plain description of `device` (a libusb_device the caller holds a reference to).
    static func describe(_ device: OpaquePointer, readStrings: Bool) -> USBDeviceInfo {
        var descriptor = libusb_device_descriptor()
        _ = libusb_get_device_descriptor(device, &descriptor)
        var ports = [UInt8](repeating: 0, count: 8)
        let depth = ports.withUnsafeMutableBufferPointer { libusb_get_port_numbers(device, $0.baseAddress, Int32($0.count)) }
        var info = USBDeviceInfo(bus: libusb_get_bus_number(device), address: libusb_get_device_address(device),
                                 ports: Array(ports.prefix(Int(max(0, depth)))), vendorId: descriptor.idVendor,
                                 productId: descriptor.idProduct, deviceClass: descriptor.bDeviceClass, interfaces: interfaces(of: device))
        guard readStrings else { return info }
        info.manufacturer = sysfsText(info.sysfsName, "manufacturer")
        info.product = sysfsText(info.sysfsName, "product")
        info.serialNumber = sysfsText(info.sysfsName, "serial")
        if info.manufacturer == nil && info.product == nil && info.serialNumber == nil {
            readStringDescriptors(device, descriptor, into: &info)
        }
        return info
    }

    /// The interfaces of the active configuration (first alternate setting of each).
    static func interfaces(of device: OpaquePointer) -> [USBInterfaceInfo] {
        var config: UnsafeMutablePointer<libusb_config_descriptor>?
        guard libusb_get_active_config_descriptor(device, &config) == 0, let config else { return [] }
        defer { libusb_free_config_descriptor(config) }
        var found: [USBInterfaceInfo] = []
        for index in 0..<Int(config.pointee.bNumInterfaces) {
            let interface = config.pointee.interface[index]
            guard interface.num_altsetting > 0, let setting = interface.altsetting?.pointee else { continue }
            let endpoints = (0..<Int(setting.bNumEndpoints)).compactMap { position -> USBEndpointInfo? in
                guard let endpoint = setting.endpoint?[position],
                      let transfer = USBEndpointInfo.Transfer(rawValue: endpoint.bmAttributes & 0x03) else { return nil }
                return USBEndpointInfo(address: endpoint.bEndpointAddress, transfer: transfer, maxPacketSize: Int(endpoint.wMaxPacketSize & 0x07FF))
            }
            found.append(USBInterfaceInfo(number: setting.bInterfaceNumber, interfaceClass: setting.bInterfaceClass,
                                          subclass: setting.bInterfaceSubClass, interfaceProtocol: setting.bInterfaceProtocol, endpoints: endpoints))
        }
        return found
    }

    /// Reads the string descriptors from the device itself; leaves them `nil` when it cannot be opened.
    private static func readStringDescriptors(_ device: OpaquePointer, _ descriptor: libusb_device_descriptor, into info: inout USBDeviceInfo) {
        var handle: OpaquePointer?
        guard libusb_open(device, &handle) == 0, let handle else { return }
        defer { libusb_close(handle) }
        func string(_ index: UInt8) -> String? {
            guard index != 0 else { return nil }
            var buffer = [UInt8](repeating: 0, count: 256)
            let length = buffer.withUnsafeMutableBufferPointer { libusb_get_string_descriptor_ascii(handle, index, $0.baseAddress, Int32($0.count)) }
            guard length > 0 else { return nil }
            return String(decoding: buffer.prefix(Int(length)), as: UTF8.self)
        }
        info.manufacturer = string(descriptor.iManufacturer)
        info.product = string(descriptor.iProduct)
        info.serialNumber = string(descriptor.iSerialNumber)
    }

    /// A sysfs attribute of a USB device, trimmed; `nil` when absent or empty.
    private static func sysfsText(_ device: String, _ attribute: String) -> String? {
        guard let file = fopen("/sys/bus/usb/devices/\(device)/\(attribute)", "r") else { return nil }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        let text = String(decoding: buffer.prefix(count), as: UTF8.self).trimmingCharacters(in: [" ", "\n", "\r", "\t", "\0"])
        return text.isEmpty ? nil : text
    }

    /// The ``DeviceError`` for a negative libusb result.
    static func error(_ result: Int32, _ doing: String, noDevice: DeviceError.Code = .offline) -> DeviceError {
        let name = String(cString: libusb_error_name(result))
        let text = String(cString: libusb_strerror(result))
        let code: DeviceError.Code = switch result {
        case LIBUSB_ERROR_NO_DEVICE.rawValue: noDevice
        case LIBUSB_ERROR_NOT_FOUND.rawValue: .noHardware
        case LIBUSB_ERROR_TIMEOUT.rawValue: .timeout
        case LIBUSB_ERROR_BUSY.rawValue: .busy
        case LIBUSB_ERROR_ACCESS.rawValue: .busy
        case LIBUSB_ERROR_INVALID_PARAM.rawValue, LIBUSB_ERROR_NOT_SUPPORTED.rawValue: .invalidConfiguration
        default: .ioFailure
        }
        let hint = result == LIBUSB_ERROR_ACCESS.rawValue ? " (the till's user needs a udev rule giving it the device)" : ""
        return DeviceError(code, "\(doing): \(text) (\(name))\(hint)")
    }
}

private extension String {
    func trimmingCharacters(in set: Set<Character>) -> String {
        var characters = Substring(self)
        while let first = characters.first, set.contains(first) { characters = characters.dropFirst() }
        while let last = characters.last, set.contains(last) { characters = characters.dropLast() }
        return String(characters)
    }
}
