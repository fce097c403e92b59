import CLibUSB

/// One opened USB device with one of its interfaces claimed: the part the USB transports share.
///
/// It owns the `libusb_device_handle` and releases the interface and closes the handle in
/// ``close()`` and `deinit`. Invariant: `handle` is valid from `open` to `close`, and `context`
/// (held strongly) outlives it. The kernel driver bound to the interface (usblp for printers,
/// usbhid for scanners) is detached while we hold the interface and reattached on release, by
/// libusb's automatic detach.
final class USBInterfaceHandle {
    let context: USBContext
    let device: USBDeviceInfo
    let interface: USBInterfaceInfo
    private var handle: OpaquePointer?

    private init(context: USBContext, device: USBDeviceInfo, interface: USBInterfaceInfo, handle: OpaquePointer) {
        self.context = context
        self.device = device
        self.interface = interface
        self.handle = handle
    }

    deinit { close() }

    /// Opens the device `selector` names and claims its first interface of `interfaceClass` for
    /// which `suits` holds. `what` names the device in messages ("USB printer 04b8:0e15").
    static func open(_ context: USBContext, _ selector: USBDeviceSelector, interfaceClass: UInt8, what: String,
                     suits: (USBInterfaceInfo) -> Bool) throws(DeviceError) -> USBInterfaceHandle {
        let (device, interface, handle) = try context.withDeviceList { devices throws(DeviceError) in
            for candidate in devices {
                let info = USBContext.describe(candidate, readStrings: selector.serialNumber != nil)
                guard selector.matches(info) else { continue }
                guard let interface = info.interfaces.first(where: { $0.interfaceClass == interfaceClass && suits($0) }) else {
                    throw DeviceError(.invalidConfiguration, "\(what) has no interface of class \(interfaceClass) with the endpoints it needs")
                }
                var handle: OpaquePointer?
                let opened = libusb_open(candidate, &handle)
                guard opened == 0, let handle else { throw USBContext.error(opened, "opening \(what)") }
                return (info, interface, handle)
            }
            throw DeviceError(.noHardware, "no USB device \(selector) is connected")
        }
        // Not every platform can detach kernel drivers; where it cannot, the claim says so.
        _ = libusb_set_auto_detach_kernel_driver(handle, 1)
        let claimed = libusb_claim_interface(handle, Int32(interface.number))
        guard claimed == 0 else {
            libusb_close(handle)
            throw USBContext.error(claimed, "claiming interface \(interface.number) of \(what) (another program may hold it)")
        }
        return USBInterfaceHandle(context: context, device: device, interface: interface, handle: handle)
    }

    /// Moves up to `bytes.count` bytes through `endpoint` by `timeoutMs`; returns how many moved
    /// and whether the time ran out first. A gone device is `.offline`.
    func transfer(_ endpoint: USBEndpointInfo, _ bytes: inout [UInt8], timeoutMs: Int, what: String) throws(DeviceError) -> (count: Int, timedOut: Bool) {
        guard let handle else { throw DeviceError(.closed, "\(what) is not open") }
        var moved: Int32 = 0
        // libusb treats a timeout of 0 as "wait forever"; a poll of 0 ms becomes 1 ms.
        let timeout = UInt32(clamping: max(1, timeoutMs))
        let result = bytes.withUnsafeMutableBufferPointer { buffer in
            switch endpoint.transfer {
            case .interrupt: libusb_interrupt_transfer(handle, endpoint.address, buffer.baseAddress, Int32(buffer.count), &moved, timeout)
            case .bulk, .control, .isochronous: libusb_bulk_transfer(handle, endpoint.address, buffer.baseAddress, Int32(buffer.count), &moved, timeout)
            }
        }
        if result == LIBUSB_ERROR_TIMEOUT.rawValue { return (Int(moved), true) }
        if result == LIBUSB_ERROR_PIPE.rawValue { _ = libusb_clear_halt(handle, endpoint.address) }
        guard result == 0 else {
            let direction = endpoint.isInput ? "reading from" : "writing to"
            throw USBContext.error(result, "\(direction) \(what) endpoint 0x\(String(endpoint.address, radix: 16))")
        }
        return (Int(moved), false)
    }

    /// A class-specific control request on the claimed interface, device to host.
    func controlIn(request: UInt8, value: UInt16, length: Int, timeoutMs: Int, what: String) throws(DeviceError) -> [UInt8] {
        guard let handle else { throw DeviceError(.closed, "\(what) is not open") }
        var bytes = [UInt8](repeating: 0, count: length)
        let requestType = UInt8(LIBUSB_ENDPOINT_IN.rawValue) | UInt8(LIBUSB_REQUEST_TYPE_CLASS.rawValue) | UInt8(LIBUSB_RECIPIENT_INTERFACE.rawValue)
        let result = bytes.withUnsafeMutableBufferPointer {
            libusb_control_transfer(handle, requestType, request, value, UInt16(interface.number), $0.baseAddress, UInt16(length),
                                    UInt32(clamping: max(1, timeoutMs)))
        }
        guard result >= 0 else { throw USBContext.error(result, "asking \(what) for its status") }
        return Array(bytes.prefix(Int(result)))
    }

    /// Releases the interface (the kernel driver comes back) and closes the device.
    func close() {
        guard let handle else { return }
        _ = libusb_release_interface(handle, Int32(interface.number))
        libusb_close(handle)
        self.handle = nil
    }
}
