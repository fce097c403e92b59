/// What a found device probably is, guessed from its USB identity and interface classes.
public enum DeviceKind: String, Hashable, Sendable, CaseIterable {
    case receiptPrinter = "receipt-printer"
    case scanner
    case serialAdapter = "serial-adapter"
    case unknown
}

/// The rules that guess a ``DeviceKind``; pure functions over ids and classes, so they are
/// tested without hardware.
public enum DeviceKindGuess {
    /// Vendors whose USB devices on a till are receipt printers: Epson, Star, Bixolon, Citizen.
    public static let printerVendors: Set<UInt16> = [0x04B8, 0x0519, 0x1504, 0x1D90]
    /// Vendors whose USB devices on a till are barcode scanners: Honeywell (and Metrologic),
    /// Zebra (Symbol), Datalogic, Newland.
    public static let scannerVendors: Set<UInt16> = [0x0C2E, 0x05E0, 0x05F9, 0x1EAB]
    /// Vendors of USB serial adapter chips: FTDI, Prolific, WCH (CH340), Silicon Labs (CP210x).
    public static let serialAdapterVendors: Set<UInt16> = [0x0403, 0x067B, 0x1A86, 0x10C4]

    /// USB interface classes the rules look at.
    public static let printerClass: UInt8 = 7
    public static let hidClass: UInt8 = 3
    public static let cdcClasses: Set<UInt8> = [2, 10]

    /// The kind of a USB device, first rule that holds:
    /// 1. a printer-class interface (7), or a printer vendor: receipt printer;
    /// 2. a scanner vendor with a HID (3) or CDC (2, 10) interface, or no interfaces known: scanner
    ///    (scanners present themselves as a keyboard, as HID POS, or as a serial port);
    /// 3. a CDC device or interface, or a serial adapter chip vendor: serial adapter;
    /// 4. anything else: unknown (a keyboard, a hub, a card reader).
    public static func usb(vendorId: UInt16, deviceClass: UInt8, interfaceClasses: [UInt8]) -> DeviceKind {
        let classes = Set(interfaceClasses).union(deviceClass == 0 ? [] : [deviceClass])
        if classes.contains(printerClass) || printerVendors.contains(vendorId) { return .receiptPrinter }
        if scannerVendors.contains(vendorId) && (classes.contains(hidClass) || !classes.isDisjoint(with: cdcClasses) || classes.isEmpty) {
            return .scanner
        }
        if !classes.isDisjoint(with: cdcClasses) || serialAdapterVendors.contains(vendorId) { return .serialAdapter }
        return .unknown
    }

    /// The kind of a USB device described by `device`.
    public static func usb(_ device: USBDeviceInfo) -> DeviceKind {
        usb(vendorId: device.vendorId, deviceClass: device.deviceClass, interfaceClasses: device.interfaces.map(\.interfaceClass))
    }

    /// The kind of a serial port: by its USB vendor when it sits on USB (a scanner or printer in
    /// serial mode shows its maker's id; an adapter chip shows the chip's), else unknown, since
    /// nothing says what is on the other end of a built-in port.
    public static func serialPort(_ port: SerialPortInfo) -> DeviceKind {
        guard let vendor = port.vendorId else { return .unknown }
        if printerVendors.contains(vendor) { return .receiptPrinter }
        if scannerVendors.contains(vendor) { return .scanner }
        return .serialAdapter
    }
}
