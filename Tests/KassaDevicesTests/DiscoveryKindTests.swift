import KassaDevices
import Testing

/// The kind guessed from USB ids and interface classes, as pure rules.
@Suite struct DiscoveryKindTests {
    @Test func aPrinterClassInterfaceOrAPrinterVendorIsAReceiptPrinter() {
        #expect(DeviceKindGuess.usb(vendorId: 0x1234, deviceClass: 0, interfaceClasses: [7]) == .receiptPrinter)
        #expect(DeviceKindGuess.usb(vendorId: 0x04B8, deviceClass: 0, interfaceClasses: [255]) == .receiptPrinter)
    }

    @Test func scannerVendorsAreScannersAsHIDOrAsSerial() {
        #expect(DeviceKindGuess.usb(vendorId: 0x0C2E, deviceClass: 0, interfaceClasses: [3]) == .scanner)
        #expect(DeviceKindGuess.usb(vendorId: 0x05E0, deviceClass: 2, interfaceClasses: [2, 10]) == .scanner)
        #expect(DeviceKindGuess.usb(vendorId: 0x05F9, deviceClass: 0, interfaceClasses: [3, 3]) == .scanner)
    }

    @Test func cdcDevicesAndAdapterChipsAreSerialAdapters() {
        #expect(DeviceKindGuess.usb(vendorId: 0x2341, deviceClass: 2, interfaceClasses: [2, 10]) == .serialAdapter)
        for chip: UInt16 in [0x0403, 0x067B, 0x1A86] {
            #expect(DeviceKindGuess.usb(vendorId: chip, deviceClass: 0, interfaceClasses: [255]) == .serialAdapter)
        }
    }

    @Test func aKeyboardOrAHubOfAnotherVendorIsUnknown() {
        #expect(DeviceKindGuess.usb(vendorId: 0x046D, deviceClass: 0, interfaceClasses: [3]) == .unknown)
        #expect(DeviceKindGuess.usb(vendorId: 0x1D6B, deviceClass: 9, interfaceClasses: [9]) == .unknown)
    }

    @Test func serialPortsAreGuessedByTheirUSBVendor() {
        #expect(DeviceKindGuess.serialPort(SerialPortInfo(path: "/dev/ttyS0")) == .unknown)
        #expect(DeviceKindGuess.serialPort(SerialPortInfo(path: "/dev/ttyACM0", transport: .usb, vendorId: 0x0C2E, productId: 0x0B6A)) == .scanner)
        #expect(DeviceKindGuess.serialPort(SerialPortInfo(path: "/dev/ttyUSB0", transport: .usb, vendorId: 0x04B8, productId: 0x0202)) == .receiptPrinter)
        #expect(DeviceKindGuess.serialPort(SerialPortInfo(path: "/dev/ttyUSB1", transport: .usb, vendorId: 0x067B, productId: 0x2303)) == .serialAdapter)
    }

    @Test func selectorsParseFromConfigurationAndMatchDevices() throws {
        let selector = try USBDeviceSelector(parsing: "04b8:0e15 serial=X1 bus=1")
        #expect(selector.description == "04b8:0e15 serial=X1 bus=1")
        #expect(selector.matches(USBDeviceInfo(bus: 1, address: 9, vendorId: 0x04B8, productId: 0x0E15, serialNumber: "X1")))
        #expect(!selector.matches(USBDeviceInfo(bus: 2, address: 9, vendorId: 0x04B8, productId: 0x0E15, serialNumber: "X1")))
        let malformed = #expect(throws: DeviceError.self) { try USBDeviceSelector(parsing: "epson") }
        #expect(malformed?.code == .invalidConfiguration)
    }
}
