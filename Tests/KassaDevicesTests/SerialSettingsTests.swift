import KassaDevices
import Testing

/// Serial settings as configuration writes them: `"<baud> <framing> [flow]"`.
@Suite struct SerialSettingsTests {
    @Test func theCommonFormsParse() throws {
        #expect(try SerialSettings(parsing: "9600 8N1") == SerialSettings())
        #expect(try SerialSettings(parsing: "115200 7e2 RTS-CTS")
            == SerialSettings(baudRate: 115200, dataBits: 7, parity: .even, stopBits: 2, flowControl: .rtsCts))
        #expect(try SerialSettings(parsing: "19200,8O1").parity == .odd)
        #expect(try SerialSettings(parsing: "4800 8S1 xon-xoff").flowControl == .xonXoff)
    }

    @Test func theDescriptionIsTheConfigurationForm() throws {
        for text in ["9600 8N1", "115200 7E2 rts-cts", "1200 5M1 dtr-dsr", "57600 8S2 xon-xoff"] {
            #expect(try SerialSettings(parsing: text).description == text)
        }
    }

    @Test(arguments: ["9600", "9601 8N1", "9600 9N1", "9600 8X1", "9600 8N3", "9600 8N1 hardware", "fast 8N1", "9600 8N1 rts-cts extra"])
    func malformedSettingsAreInvalidConfiguration(_ text: String) {
        let error = #expect(throws: DeviceError.self) { try SerialSettings(parsing: text) }
        #expect(error?.code == .invalidConfiguration)
    }
}
