extension GS1ElementString {
    /// The elements of the scanned form: AI, value, GS where the value's length is not predefined.
    static func parseScanned(_ b: UnsafeBufferPointer<UInt8>) throws(ScanError) -> [GS1Element] {
        var elements: [GS1Element] = []
        var i = 0
        while i < b.count {
            // A separator before the first element is FNC1 in the first position; one after a
            // predefined-length value is allowed though not needed.
            if isSeparator(b[i]) {
                i += 1
                continue
            }
            let start = i
            let identifier = try Self.identifier(b, at: i)
            let valueStart = i + identifier.digitCount
            var end = valueStart
            if identifier.isPredefinedLength {
                end = valueStart + identifier.lengthMax
                guard end <= b.count else {
                    throw ScanError(.badElement, "AI (\(identifier)) needs \(identifier.lengthMax) characters, the code ends after \(b.count - valueStart)",
                                    position: start)
                }
            } else {
                let limit = min(b.count, valueStart + identifier.lengthMax + 1)
                while end < limit, !isSeparator(b[end]) { end += 1 }
                guard end - valueStart <= identifier.lengthMax else {
                    throw ScanError(.badElement, "AI (\(identifier)) is longer than \(identifier.lengthMax) characters: "
                                    + "the GS separator (FNC1) after it is missing, check that the scanner sends GS", position: start)
                }
            }
            let value = UnsafeBufferPointer(rebasing: b[valueStart..<end])
            try check(value, of: identifier, at: start)
            guard elements.count < elementsMax else {
                throw ScanError(.limitExceeded, "more than \(elementsMax) GS1 elements", position: start)
            }
            elements.append(GS1Element(identifier: identifier, value: String(decoding: value, as: UTF8.self), position: start))
            i = end
        }
        guard !elements.isEmpty else { throw ScanError(.badElement, "GS1 element string holds no element", position: 0) }
        return elements
    }

    /// The AI whose digits start at `i`: its first two digits say how many digits it has.
    static func identifier(_ b: UnsafeBufferPointer<UInt8>, at i: Int) throws(ScanError) -> GS1ApplicationIdentifier {
        guard i + 1 < b.count, RetailCode.isDigit(b[i]), RetailCode.isDigit(b[i + 1]) else {
            throw ScanError(.unknownApplicationIdentifier, "expected a GS1 application identifier (digits), found "
                            + describe(UnsafeBufferPointer(rebasing: b[i..<min(b.count, i + 4)])), position: i)
        }
        let prefix = Int(b[i] &- 0x30) * 10 + Int(b[i + 1] &- 0x30)
        guard let count = GS1ApplicationIdentifier.digitCount(prefix: prefix), i + count <= b.count else {
            throw ScanError(.unknownApplicationIdentifier, "unknown GS1 application identifier starting \(describe(UnsafeBufferPointer(rebasing: b[i..<i + 2])))",
                            position: i)
        }
        var code = 0
        for k in i..<(i + count) {
            guard RetailCode.isDigit(b[k]) else {
                throw ScanError(.unknownApplicationIdentifier, "GS1 application identifier \(describe(UnsafeBufferPointer(rebasing: b[i..<i + count]))) is not all digits",
                                position: i)
            }
            code = code * 10 + Int(b[k] &- 0x30)
        }
        guard let identifier = GS1ApplicationIdentifier.known(code: code, digitCount: count) else {
            throw ScanError(.unknownApplicationIdentifier, "unknown GS1 application identifier (\(describe(UnsafeBufferPointer(rebasing: b[i..<i + count]))))",
                            position: i)
        }
        return identifier
    }

    /// Checks `value` against its AI's length, characters, check digit and date.
    static func check(_ value: UnsafeBufferPointer<UInt8>, of identifier: GS1ApplicationIdentifier, at position: Int) throws(ScanError) {
        guard value.count >= identifier.lengthMin, value.count <= identifier.lengthMax else {
            let limits = identifier.lengthMin == identifier.lengthMax ? "\(identifier.lengthMin)"
                : "\(identifier.lengthMin) to \(identifier.lengthMax)"
            throw ScanError(.badElement, "AI (\(identifier)) has \(value.count) characters, expected \(limits)", position: position)
        }
        for offset in 0..<value.count {
            let byte = value[offset]
            let allowed = switch identifier.characters {
            case .digits: RetailCode.isDigit(byte)
            case .cset82: GS1ApplicationIdentifier.isCSet82(byte)
            }
            guard allowed else {
                let kind = identifier.characters == .digits ? "digits" : "GS1 characters"
                throw ScanError(.badElement, "AI (\(identifier)) holds byte 0x\(String(byte, radix: 16)) where only \(kind) are allowed",
                                position: position + identifier.digitCount + offset)
            }
        }
        if identifier.hasCheckDigit {
            let expected = RetailCode.checkDigit(UnsafeBufferPointer(rebasing: value.dropLast()))
            guard let last = value.last, Int(last &- 0x30) == expected else {
                throw ScanError(.badCheckDigit, "AI (\(identifier)) \(describe(value)) has a wrong check digit, expected \(expected)",
                                position: position)
            }
        }
        if identifier.isDate {
            let month = Int(value[2] &- 0x30) * 10 + Int(value[3] &- 0x30)
            let day = Int(value[4] &- 0x30) * 10 + Int(value[5] &- 0x30)
            // Day 00 means the end of the month (GS1 General Specifications 3.4.2).
            guard (1...12).contains(month), day <= 31 else {
                throw ScanError(.badElement, "AI (\(identifier)) \(describe(value)) is not a date YYMMDD", position: position)
            }
        }
    }

    /// Bytes as text for a message, control characters shown as <GS> or <0x..>.
    static func describe(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var text = ""
        for byte in bytes {
            switch byte {
            case groupSeparator: text += "<GS>"
            case 0x20..<0x7F: text.unicodeScalars.append(Unicode.Scalar(byte))
            default: text += "<0x\(String(byte, radix: 16))>"
            }
        }
        return text
    }
}
