/// Barcodes (`GS k`) and QR codes (`GS ( k`).
extension EscPosEncoder {
    /// A one-dimensional barcode and its data.
    public enum Barcode: Hashable, Sendable {
        /// EAN-13 from 12 digits (the printer adds the check digit) or 13 (the check digit is
        /// verified here, because printers print a wrong one without complaint).
        case ean13(String)
        /// CODE128 (code set B) from printable ASCII, at most 253 characters.
        case code128(String)
    }

    /// Where the human-readable digits go (`GS H n`).
    public enum HRIPosition: UInt8, Sendable, CaseIterable {
        case none = 0, above = 1, below = 2, both = 3
    }

    /// `GS H`, `GS h`, `GS w` and `GS k m n d...` (Function B): a barcode `heightDots` high
    /// (1 to 255) with modules `moduleWidth` dots wide (2 to 6).
    public mutating func barcode(_ barcode: Barcode, hri: HRIPosition = .below, heightDots: Int = 80, moduleWidth: Int = 2) throws(EscPosError) {
        guard (1...255).contains(heightDots) else { throw EscPosError(.outOfRange, "a barcode \(heightDots) dots high is outside 1...255") }
        guard (2...6).contains(moduleWidth) else { throw EscPosError(.outOfRange, "a barcode module \(moduleWidth) dots wide is outside 2...6") }
        let (symbology, data) = try Self.barcodeData(barcode)
        bytes += [0x1D, 0x48, hri.rawValue]
        bytes += [0x1D, 0x68, UInt8(heightDots)]
        bytes += [0x1D, 0x77, UInt8(moduleWidth)]
        bytes += [0x1D, 0x6B, symbology, UInt8(data.count)] + data
    }

    /// The `GS k` symbology number (Function B) and data bytes of a barcode, checked.
    static func barcodeData(_ barcode: Barcode) throws(EscPosError) -> (UInt8, [UInt8]) {
        switch barcode {
        case .ean13(let digits):
            let values = digits.compactMap { $0.isASCII ? $0.wholeNumberValue : nil }
            guard values.count == digits.count, values.count == 12 || values.count == 13 else {
                throw EscPosError(.invalidData, "EAN-13 takes 12 or 13 digits, not \"\(digits)\"")
            }
            if values.count == 13, values[12] != ean13CheckDigit(values.prefix(12)) {
                throw EscPosError(.invalidData, "EAN-13 \"\(digits)\" has a wrong check digit; \(ean13CheckDigit(values.prefix(12))) was expected")
            }
            return (67, Array(digits.utf8))
        case .code128(let text):
            guard !text.isEmpty, text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) else {
                throw EscPosError(.invalidData, "CODE128 takes 1 or more printable ASCII characters, not \"\(text)\"")
            }
            // "{B" selects code set B; a literal "{" is written "{{".
            var data: [UInt8] = [0x7B, 0x42]
            for byte in text.utf8 { data += byte == 0x7B ? [0x7B, 0x7B] : [byte] }
            guard data.count <= 255 else {
                throw EscPosError(.tooLong, "CODE128 data of \(text.count) characters does not fit the 255 bytes of GS k")
            }
            return (73, data)
        }
    }

    /// The EAN-13 check digit of the first 12 digits.
    static func ean13CheckDigit(_ digits: ArraySlice<Int>) -> Int {
        var sum = 0
        for (offset, digit) in digits.enumerated() { sum += offset % 2 == 0 ? digit : digit * 3 }
        return (10 - sum % 10) % 10
    }

    /// How much of a QR code may be damaged and still read (`GS ( k` function 169).
    public enum QRErrorCorrection: UInt8, Sendable, CaseIterable {
        case low = 48, medium = 49, quartile = 50, high = 51

        /// Bytes a model 2 symbol (version 40) holds in byte mode at this level.
        public var byteCapacity: Int {
            switch self {
            case .low: 2_953
            case .medium: 2_331
            case .quartile: 1_663
            case .high: 1_273
            }
        }
    }

    /// `GS ( k` functions 165, 167, 169, 180 and 181: select model 2, set the module size (1 to
    /// 16 dots), set the error correction, store `data` and print it.
    public mutating func qrCode(_ data: [UInt8], moduleSize: Int = 4, errorCorrection: QRErrorCorrection = .medium) throws(EscPosError) {
        guard (1...16).contains(moduleSize) else { throw EscPosError(.outOfRange, "a QR module of \(moduleSize) dots is outside 1...16") }
        let limit = min(limits.qrDataBytesMax, errorCorrection.byteCapacity)
        guard !data.isEmpty, data.count <= limit else {
            throw EscPosError(.tooLong, "a QR code takes 1 to \(limit) bytes at this error correction, not \(data.count)")
        }
        bytes += [0x1D, 0x28, 0x6B, 4, 0, 0x31, 0x41, 50, 0]
        bytes += [0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x43, UInt8(moduleSize)]
        bytes += [0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x45, errorCorrection.rawValue]
        let stored = data.count + 3
        bytes += [0x1D, 0x28, 0x6B, UInt8(stored & 0xFF), UInt8(stored >> 8), 0x31, 0x50, 0x30] + data
        bytes += [0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x51, 0x30]
    }

    /// A QR code of `text` as UTF-8.
    public mutating func qrCode(_ text: String, moduleSize: Int = 4, errorCorrection: QRErrorCorrection = .medium) throws(EscPosError) {
        try qrCode(Array(text.utf8), moduleSize: moduleSize, errorCorrection: errorCorrection)
    }
}
