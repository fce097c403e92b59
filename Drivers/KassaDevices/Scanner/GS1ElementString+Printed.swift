extension GS1ElementString {
    /// The elements of the printed form, `(01)04600439931256(21)abc`.
    static func parsePrinted(_ b: UnsafeBufferPointer<UInt8>) throws(ScanError) -> [GS1Element] {
        var elements: [GS1Element] = []
        var i = 0
        while i < b.count {
            guard let (identifier, valueStart) = try parenthesised(b, at: i, strict: true) else {
                throw ScanError(.unknownApplicationIdentifier, "expected a GS1 application identifier in parentheses, found "
                                + describe(UnsafeBufferPointer(rebasing: b[i..<min(b.count, i + 6)])), position: i)
            }
            var end = valueStart
            // A value runs to the next "(" that opens a known AI; the predefined lengths are kept
            // to exactly, so a value can be checked even when the next "(" is missing.
            if identifier.isPredefinedLength {
                end = min(b.count, valueStart + identifier.lengthMax)
            } else {
                let limit = min(b.count, valueStart + identifier.lengthMax + 1)
                while end < limit {
                    if b[end] == UInt8(ascii: "("), (try? parenthesised(b, at: end, strict: false)) != nil { break }
                    end += 1
                }
            }
            let value = UnsafeBufferPointer(rebasing: b[valueStart..<end])
            try check(value, of: identifier, at: i)
            guard elements.count < elementsMax else {
                throw ScanError(.limitExceeded, "more than \(elementsMax) GS1 elements", position: i)
            }
            elements.append(GS1Element(identifier: identifier, value: String(decoding: value, as: UTF8.self), position: i))
            i = end
        }
        guard !elements.isEmpty else { throw ScanError(.badElement, "GS1 element string holds no element", position: 0) }
        return elements
    }

    /// The AI in parentheses at `i` and where its value starts, or nil when there is none. With
    /// `strict`, digits in parentheses that name no known AI are an error rather than text.
    static func parenthesised(_ b: UnsafeBufferPointer<UInt8>, at i: Int, strict: Bool) throws(ScanError)
        -> (GS1ApplicationIdentifier, Int)? {
        guard i < b.count, b[i] == UInt8(ascii: "(") else { return nil }
        var k = i + 1
        var code = 0
        while k < b.count, k - i <= 4, RetailCode.isDigit(b[k]) {
            code = code * 10 + Int(b[k] &- 0x30)
            k += 1
        }
        let count = k - i - 1
        guard count >= 2, k < b.count, b[k] == UInt8(ascii: ")") else { return nil }
        let prefix = Int(b[i + 1] &- 0x30) * 10 + Int(b[i + 2] &- 0x30)
        guard GS1ApplicationIdentifier.digitCount(prefix: prefix) == count,
              let identifier = GS1ApplicationIdentifier.known(code: code, digitCount: count) else {
            guard strict else { return nil }
            throw ScanError(.unknownApplicationIdentifier, "unknown GS1 application identifier "
                            + describe(UnsafeBufferPointer(rebasing: b[i...k])), position: i)
        }
        return (identifier, k + 1)
    }
}
