import KassaDevices

/// ESC/POS bytes read back as the receipt a person would see: commands stripped, text decoded
/// in the code page `ESC t` selected, one string per printed line, and blocks (QR codes,
/// barcodes, the cut, a drawer kick) as bracketed lines. Lines printed bold, centred or at
/// double size are also listed apart, so a test can say "the total is printed large".
///
/// It understands the commands `EscPosEncoder` writes and stops the test on anything else,
/// which keeps the encoder and this reader honest with each other.
struct EscPosDecodedText {
    var lines: [String] = []
    var boldLines: [String] = []
    var centeredLines: [String] = []
    var doubleSizeLines: [String] = []

    /// The `ESC t` numbers the tests use, as in emupos's Epson profile and Epson's manual.
    static let codePages: [UInt8: CodePage] = [17: .cp866, 46: .wpc1251]

    init(_ bytes: [UInt8]) throws {
        var page: CodePage?
        var current: [UInt8] = []
        var bold = false, centered = false, doubleSize = false
        var qrData: [UInt8] = []
        var index = 0

        func byte(_ offset: Int) throws -> UInt8 {
            guard index + offset < bytes.count else { throw DecodeError("command cut off at byte \(index)") }
            return bytes[index + offset]
        }
        func endLine() throws {
            guard let page = page ?? (current.allSatisfy { $0 < 0x80 } ? .cp866 : nil) else {
                throw DecodeError("text with bytes above 0x7F before any ESC t")
            }
            let text = page.decode(current)
            lines.append(text)
            if bold { boldLines.append(text) }
            if centered { centeredLines.append(text) }
            if doubleSize { doubleSizeLines.append(text) }
            current = []
        }
        func block(_ text: String) throws {
            if !current.isEmpty { try endLine() }
            lines.append(text)
        }

        while index < bytes.count {
            let first = bytes[index]
            if first >= 0x20 {
                current.append(first)
                index += 1
                continue
            }
            switch (first, try? byte(1)) {
            case (0x0A, _):
                try endLine(); index += 1
            case (0x1B, 0x40):
                page = nil; bold = false; centered = false; doubleSize = false; current = []; index += 2
            case (0x1B, 0x74):
                let number = try byte(2)
                guard let selected = Self.codePages[number] else { throw DecodeError("unknown ESC t \(number)") }
                page = selected; index += 3
            case (0x1B, 0x45):
                bold = try byte(2) & 1 == 1; index += 3
            case (0x1B, 0x2D):
                index += 3
            case (0x1B, 0x61):
                centered = try byte(2) == 1; index += 3
            case (0x1D, 0x21):
                doubleSize = try byte(2) != 0; index += 3
            case (0x1B, 0x64):
                if !current.isEmpty { try endLine() }
                index += 3
            case (0x1D, 0x48), (0x1D, 0x68), (0x1D, 0x77):
                index += 3
            case (0x1D, 0x6B):
                let symbology = try byte(2), count = Int(try byte(3))
                guard index + 4 + count <= bytes.count else { throw DecodeError("barcode data cut off") }
                let data = String(decoding: bytes[(index + 4)..<(index + 4 + count)], as: UTF8.self)
                try block("[barcode \(symbology == 67 ? "EAN-13" : symbology == 73 ? "CODE128" : "\(symbology)") \(data)]")
                index += 4 + count
            case (0x1D, 0x28):
                guard try byte(2) == 0x6B else { throw DecodeError("unknown GS ( at byte \(index)") }
                let count = Int(try byte(3)) + Int(try byte(4)) * 256
                guard index + 5 + count <= bytes.count else { throw DecodeError("GS ( k data cut off") }
                let data = Array(bytes[(index + 5)..<(index + 5 + count)])
                if data.count >= 3, data[0] == 0x31, data[1] == 0x50 { qrData = Array(data[3...]) }
                if data.count >= 2, data[0] == 0x31, data[1] == 0x51 { try block("[qr \(String(decoding: qrData, as: UTF8.self))]") }
                index += 5 + count
            case (0x1D, 0x56):
                let m = try byte(2)
                try block(m == 0 || m == 65 ? "[cut full]" : "[cut partial]")
                index += m >= 65 ? 4 : 3
            case (0x1B, 0x70):
                try block("[drawer]"); index += 5
            default:
                throw DecodeError("unknown command 0x\(String(first, radix: 16)) at byte \(index)")
            }
        }
        if !current.isEmpty { try endLine() }
    }

    /// The printed text as one string, a line each, with trailing spaces kept.
    var text: String { lines.joined(separator: "\n") }
}

struct DecodeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
