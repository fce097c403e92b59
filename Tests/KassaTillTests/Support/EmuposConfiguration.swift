import KassaCore

/// The `emupos.yaml` and printer profile the harness writes for one run.
struct EmuposConfiguration {
    /// The printer's device id, in API paths and event lines.
    static let printerID = "printer"
    /// The scanner's device id.
    static let scannerID = "scanner"
    /// The scale's device id.
    static let scaleID = "scale"

    /// What the test asked for.
    let devices: EmuposDevices
    /// The control API's port on 127.0.0.1.
    let apiPort: Int
    /// The printer's TCP port on 127.0.0.1 (unused without a printer over TCP).
    let printerPort: Int
    /// Where the printer stores its receipts.
    let receiptsDirectory: String
    /// Where the harness writes a printer profile that is not built in.
    let profileDirectory: String

    /// The configuration file's text.
    var yaml: String {
        var lines = ["schema: 1", "api: { host: 127.0.0.1, port: \(apiPort) }", "devices:"]
        if devices.hasPrinter {
            lines += [
                "  - id: \(Self.printerID)",
                "    type: printer",
                "    profile: \(JSONStringLiteral.quoted(profileReference))",
                "    job_idle_timeout_ms: \(devices.jobIdleTimeoutMs)",
                "    receipts_dir: \(JSONStringLiteral.quoted(receiptsDirectory))",
                "    connections:",
            ]
            if devices.printerOverTCP { lines.append("      - tcp: { host: 127.0.0.1, port: \(printerPort) }") }
            if devices.printerOverSerial { lines.append("      - serial: { pty: true }") }
        }
        if devices.scanner {
            lines += [
                "  - id: \(Self.scannerID)",
                "    type: scanner",
                "    mode: serial",
                "    suffix: \(devices.scannerSuffix.rawValue)",
                "    connections:",
                "      - serial: { pty: true }",
            ]
        }
        if devices.scale {
            lines += [
                "  - id: \(Self.scaleID)",
                "    type: scale",
                "    profile: toledo8217-15kg",
                "    connections:",
                "      - serial: { pty: true }",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A built-in profile's name, or the path of the profile file the harness writes.
    var profileReference: String {
        switch devices.printerProfile {
        case .epsonTMT20III: "epson-tm-t20iii"
        case .epsonTMT20IIIWithWPC1251: profileDirectory + "/epson-tm-t20iii-wpc1251.yaml"
        }
    }

    /// The profile file to write before starting, if the profile is not built in.
    var profileFile: (path: String, text: String)? {
        switch devices.printerProfile {
        case .epsonTMT20III: nil
        case .epsonTMT20IIIWithWPC1251: (profileReference, Self.wpc1251Profile)
        }
    }

    /// emupos 0.4.0's `epson-tm-t20iii.yaml` with `46: WPC1251` added: Epson's number for
    /// Windows-1251 on TM printers, the table KassaDevices selects for WPC1251.
    private static let wpc1251Profile = """
        type: printer
        name: Epson TM-T20III (with WPC1251, for Kassa's tests)
        dpi: 203
        width_dots: 576
        font_a: { width: 12, height: 24 }
        font_b: { width: 9, height: 17 }
        code_pages:
          0: PC437
          2: PC850
          3: PC860
          4: PC863
          5: PC865
          16: WPC1252
          17: PC866
          18: PC852
          19: PC858
          32: PC720
          37: PC864
          46: WPC1251
          50: WPC1256
        default_code_page: 0
        drawer_sensor_open_level: high
        printer_id:
          model: 0x63
          autocutter: true
          maker: EPSON
          name: TM-T20III
          column_emulation_mode: true
        serial: { baud: 9600, data_bits: 8, parity: none, stop_bits: 1 }

        """
}
