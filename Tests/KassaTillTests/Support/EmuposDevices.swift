/// The simulated devices a test asks emupos for. Every device is optional; at least one is needed.
///
/// Device ids in emupos are fixed: `printer`, `scanner` and `scale`. Serial devices get a
/// pseudo-terminal each; a printer can have a TCP port, a pseudo-terminal, or both.
struct EmuposDevices: Sendable {
    /// A receipt printer (with its cash drawer) listening on a free loopback TCP port.
    var printerOverTCP = true
    /// The same printer also on a serial pseudo-terminal, 9600 8N1 as the profile says.
    var printerOverSerial = false
    /// The printer's model: what `ESC t` numbers mean and how wide the paper is.
    var printerProfile = EmuposPrinterProfile.epsonTMT20III
    /// How long a connection may stay silent before emupos ends a receipt that has no cut.
    var jobIdleTimeoutMs = 2000
    /// A barcode scanner in serial mode, writing each scan to its pseudo-terminal.
    var scanner = false
    /// What the scanner sends after each barcode.
    var scannerSuffix = EmuposScanSuffix.enter
    /// A Mettler Toledo 8217 scale (15 kg by 5 g) on a pseudo-terminal, 9600 7E1.
    var scale = false

    /// Whether the configuration has a printer at all.
    var hasPrinter: Bool { printerOverTCP || printerOverSerial }

    /// Whether the configuration has any device at all; emupos refuses to start without one.
    var isEmpty: Bool { !hasPrinter && !scanner && !scale }
}

/// A printer model for emupos.
enum EmuposPrinterProfile: Sendable {
    /// emupos's built-in `epson-tm-t20iii`: 576 dots, Font A 12 x 24 (48 columns), code pages
    /// by Epson's `ESC t` numbers, among them 17 for PC866 but no WPC1251.
    case epsonTMT20III
    /// The same printer with Epson's `ESC t 46` = WPC1251 added, so a receipt in Windows-1251
    /// reads right in the text dump. emupos has no WPC1251 glyphs: the PNG shows placeholder
    /// boxes for bytes 0x80-0xFF, and it reports `printer.codepage.unsupported` on `ESC t 46`.
    case epsonTMT20IIIWithWPC1251
}

/// What a serial scanner sends after the barcode (emupos `suffix`).
enum EmuposScanSuffix: String, Sendable {
    /// CR, 0x0D.
    case enter
    /// HT, 0x09.
    case tab
    /// Nothing.
    case none
}
