import KassaCore

/// One scanned code as the lane sees it: its symbology, its text and, for a retail code or a GS1
/// code with AI 01, the GTIN in the catalog's form (see `RetailCode`).
public struct Barcode: Hashable, Sendable {
    /// The symbology, from the AIM identifier or, without one, guessed from the data.
    public let symbology: Symbology
    /// The AIM identifier the scanner sent, if it sent one.
    public let identifier: SymbologyIdentifier?
    /// The data without the AIM identifier; GS separators are kept.
    public let text: String
    /// The GTIN in the catalog's form, when the code is a retail code or carries AI 01.
    public let gtin: SKU?
    /// The GS1 elements, for GS1-128, GS1 DataBar, GS1 DataMatrix and GS1 QR codes.
    public let elements: GS1ElementString?

    /// A barcode made of its parts (decoding builds them; tests and the lane's keyboard entry too).
    public init(symbology: Symbology, identifier: SymbologyIdentifier?, text: String, gtin: SKU?, elements: GS1ElementString?) {
        self.symbology = symbology
        self.identifier = identifier
        self.text = text
        self.gtin = gtin
        self.elements = elements
    }

    /// Decodes one scan (a frame from `ScanFramer` or the data of `HidPosReportAssembler`),
    /// reading the AIM identifier when it starts the data.
    ///
    /// Without an identifier the kind is guessed: 8, 12, 13 or 14 digits are EAN-8, UPC-A,
    /// EAN-13 or GTIN-14 (an 8-digit UPC-E cannot be told from an EAN-8 without its
    /// identifier, so it is read as EAN-8); data starting with GS, with "(" and an AI, or with
    /// "01", 14 digits and something other than digits after them is a GS1 element string (the
    /// marking codes from a scanner that sends no identifiers); anything else is text.
    public init(scanned data: some Collection<UInt8>) throws(ScanError) {
        let bytes = Array(data)
        if let identifier = SymbologyIdentifier(prefixOf: bytes) {
            try self.init(identifier: identifier, data: bytes[SymbologyIdentifier.length...])
        } else {
            try self.init(unidentified: bytes)
        }
    }

    /// Decodes `data` that the scanner sent with `identifier` (a HID POS report carries it apart
    /// from the data).
    public init(identifier: SymbologyIdentifier?, data: some Collection<UInt8>) throws(ScanError) {
        guard let identifier else {
            try self.init(unidentified: Array(data))
            return
        }
        let bytes = Array(data)
        let text = String(decoding: bytes, as: UTF8.self)
        let symbology = identifier.symbology
        if identifier.isGS1 {
            let elements = try GS1ElementString(parsing: bytes)
            self.init(symbology: symbology, identifier: identifier, text: text, gtin: elements.gtin, elements: elements)
            return
        }
        switch symbology {
        case .ean13:
            // ]E3 carries an add-on (2 or 5 digits) after the 13 digits of the code itself.
            let code = identifier.modifier == UInt8(ascii: "3") && (bytes.count == 15 || bytes.count == 18) ? Array(bytes.prefix(13)) : bytes
            let (kind, sku) = try Self.eanUPC(code)
            self.init(symbology: kind, identifier: identifier, text: text, gtin: sku, elements: nil)
        case .ean8:
            guard bytes.count == 8 else { throw ScanError(.badRetailCode, "EAN-8 \(text) is not 8 digits") }
            let sku = try RetailCode.catalogSKU(digits: bytes, name: "EAN-8")
            self.init(symbology: .ean8, identifier: identifier, text: text, gtin: sku, elements: nil)
        case .itf where bytes.count == 14 && bytes.allSatisfy(RetailCode.isDigit):
            let sku = try RetailCode.catalogSKU(digits: bytes, name: "ITF-14")
            self.init(symbology: .itf, identifier: identifier, text: text, gtin: sku, elements: nil)
        case .upcA, .upcE, .gs1128, .code128, .gs1DataMatrix, .dataMatrix, .gs1QR, .qr, .gs1DataBar, .code39, .itf, .unknown:
            self.init(symbology: symbology, identifier: identifier, text: text, gtin: nil, elements: nil)
        }
    }

    /// Decodes data without an AIM identifier (see `init(scanned:)`).
    init(unidentified bytes: [UInt8]) throws(ScanError) {
        let text = String(decoding: bytes, as: UTF8.self)
        let allDigits = bytes.allSatisfy(RetailCode.isDigit)
        if allDigits, RetailCode.gtinLengths.contains(bytes.count) {
            let name = switch bytes.count {
            case 8: "EAN-8"
            case 12: "UPC-A"
            case 13: "EAN-13"
            default: "GTIN-14"
            }
            let sku = try RetailCode.catalogSKU(digits: bytes, name: name)
            let symbology: Symbology = switch bytes.count {
            case 8: .ean8
            case 12: .upcA
            case 13: .ean13
            default: .unknown
            }
            self.init(symbology: symbology, identifier: nil, text: text, gtin: sku, elements: nil)
            return
        }
        if Self.looksLikeGS1(bytes, allDigits: allDigits) {
            let elements = try GS1ElementString(parsing: bytes)
            self.init(symbology: .unknown, identifier: nil, text: text, gtin: elements.gtin, elements: elements)
            return
        }
        self.init(symbology: .unknown, identifier: nil, text: text, gtin: nil, elements: nil)
    }

    /// True for unidentified data that can only be a GS1 element string.
    static func looksLikeGS1(_ bytes: [UInt8], allDigits: Bool) -> Bool {
        guard let first = bytes.first else { return false }
        if first == GS1ElementString.groupSeparator { return true }
        if first == UInt8(ascii: "(") {
            return bytes.count > 4 && RetailCode.isDigit(bytes[1]) && RetailCode.isDigit(bytes[2])
        }
        return !allDigits && bytes.count > 16 && bytes[0] == UInt8(ascii: "0") && bytes[1] == UInt8(ascii: "1")
            && bytes[2..<16].allSatisfy(RetailCode.isDigit)
    }

    /// The EAN/UPC family under `]E0`: 13 digits are EAN-13 (UPC-A in its 13-digit form), 12
    /// are UPC-A, 8 are UPC-E, checked on their UPC-A expansion.
    static func eanUPC(_ bytes: [UInt8]) throws(ScanError) -> (Symbology, SKU) {
        switch bytes.count {
        case 13: return (.ean13, try RetailCode.catalogSKU(digits: bytes, name: "EAN-13"))
        case 12: return (.upcA, try RetailCode.catalogSKU(digits: bytes, name: "UPC-A"))
        case 8:
            let text = String(decoding: bytes, as: UTF8.self)
            guard let expanded = RetailCode.expandUPCE(bytes) else {
                throw ScanError(.badRetailCode, "UPC-E \(text) is not 8 digits starting with 0 or 1")
            }
            do {
                return (.upcE, try RetailCode.catalogSKU(digits: expanded, name: "UPC-E"))
            } catch {
                let expected = RetailCode.checkDigit(Array(expanded.dropLast()))
                throw ScanError(.badCheckDigit, "UPC-E \(text) (UPC-A \(String(decoding: expanded, as: UTF8.self))) "
                                + "has check digit \(bytes[7] &- 0x30), expected \(expected)")
            }
        default:
            throw ScanError(.badRetailCode, "EAN/UPC code \(String(decoding: bytes, as: UTF8.self)) is not 8, 12 or 13 digits")
        }
    }
}
