/// The barcode symbologies a till tells apart; everything else is `unknown` and is passed on as
/// text.
public enum Symbology: Hashable, Sendable, CustomStringConvertible {
    /// EAN-13, and UPC-A sent in its 13-digit form (AIM `]E0`).
    case ean13
    /// EAN-8 (AIM `]E4`).
    case ean8
    /// UPC-A sent as its own 12 digits.
    case upcA
    /// UPC-E, the zero-suppressed 8-digit UPC (sent under `]E0` with 8 digits).
    case upcE
    /// GS1-128: Code 128 with FNC1 in the first position (AIM `]C1`).
    case gs1128
    /// Code 128 without GS1 data (AIM `]C0`, `]C2`, `]C4`).
    case code128
    /// GS1 DataMatrix: ECC 200 with FNC1 in the first position (AIM `]d2`, `]d5`); the Russian
    /// product marking codes.
    case gs1DataMatrix
    /// DataMatrix without GS1 data (AIM `]d0`, `]d1`, `]d3`, `]d4`, `]d6`).
    case dataMatrix
    /// GS1 QR Code: FNC1 in the first position (AIM `]Q3`, `]Q4`).
    case gs1QR
    /// QR Code without GS1 data (AIM `]Q0`–`]Q2`, `]Q5`, `]Q6`).
    case qr
    /// GS1 DataBar and its composites (AIM `]e0`–`]e3`); always GS1 data.
    case gs1DataBar
    /// Code 39 (AIM `]A0`–`]A7`).
    case code39
    /// Interleaved 2 of 5, including ITF-14 (AIM `]I0`–`]I3`).
    case itf
    /// Any other symbology, or none named.
    case unknown

    public var description: String {
        switch self {
        case .ean13: "EAN-13"
        case .ean8: "EAN-8"
        case .upcA: "UPC-A"
        case .upcE: "UPC-E"
        case .gs1128: "GS1-128"
        case .code128: "Code 128"
        case .gs1DataMatrix: "GS1 DataMatrix"
        case .dataMatrix: "DataMatrix"
        case .gs1QR: "GS1 QR"
        case .qr: "QR"
        case .gs1DataBar: "GS1 DataBar"
        case .code39: "Code 39"
        case .itf: "ITF"
        case .unknown: "unknown symbology"
        }
    }
}
