/// Parsing and printing of RFC 3339 timestamps (`2026-11-22T10:15:00+03:00`,
/// `2026-11-22T07:15:00.250Z`) without Foundation, so the core stays free of locale and clocks.
public enum RFC3339 {
    /// Parses a full RFC 3339 date-time with an offset (`Z` or `±hh:mm`); fractions beyond
    /// milliseconds are truncated. Nil for anything else.
    public static func parse(_ text: some StringProtocol) -> Timestamp? {
        let b = Array(text.utf8)
        guard b.count >= 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54 || b[10] == 0x74 || b[10] == 0x20,
              b[13] == 0x3A, b[16] == 0x3A,
              let date = LocalDate(iso: String(decoding: b[0..<10], as: UTF8.self)),
              let hour = LocalDate.number(b[11..<13]), let minute = LocalDate.number(b[14..<16]),
              let second = LocalDate.number(b[17..<19]),
              hour < 24, minute < 60, second < 61 else { return nil }
        var i = 19
        var millis = 0
        if i < b.count, b[i] == 0x2E {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                if digits < 3 { millis = millis * 10 + Int(b[i] - 0x30) }
                digits += 1
                i += 1
            }
            guard digits > 0, digits <= 9 else { return nil }
            // Fewer than three digits are scaled up; more were cut to three above. (A range
            // `digits..<3` with more than three digits would trap before any `where` is read.)
            if digits < 3 { for _ in digits..<3 { millis *= 10 } }
        }
        guard i < b.count else { return nil }
        var offset = 0
        if b[i] == 0x5A || b[i] == 0x7A {
            guard i + 1 == b.count else { return nil }
        } else {
            guard b[i] == 0x2B || b[i] == 0x2D, b.count == i + 6, b[i + 3] == 0x3A,
                  let oh = LocalDate.number(b[(i + 1)..<(i + 3)]), let om = LocalDate.number(b[(i + 4)..<(i + 6)]),
                  oh < 24, om < 60 else { return nil }
            offset = (oh * 60 + om) * (b[i] == 0x2D ? -1 : 1)
        }
        let localSeconds = Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59))
        let utcMillis = (localSeconds - Int64(offset) * 60) * 1000 + Int64(millis)
        return Timestamp(epochMilliseconds: utcMillis, offsetMinutes: Int16(offset))
    }

    /// Prints with the timestamp's own offset; milliseconds only when not zero.
    ///
    /// Written a byte at a time into the string's own storage: the history projection prints
    /// the time of every sale, and the general form below, a string per part, was about 3% of
    /// its CPU. Dates outside years 0-9999 and offsets of a hundred hours or more take that
    /// general form, which prints them as they always were.
    public static func format(_ t: Timestamp) -> String {
        let local = t.epochMilliseconds + Int64(t.offsetMinutes) * 60_000
        let days = floorDivide(local, 86_400_000)
        let msOfDay = Int(local - days * 86_400_000)
        let date = LocalDate(daysSinceEpoch: Int32(clamping: days))
        let offset = Int(t.offsetMinutes).magnitude
        guard Int64(Int32.min)...Int64(Int32.max) ~= days, (0...9999).contains(date.year), offset / 60 < 100 else {
            return formatByParts(t)
        }
        // `YYYY-MM-DDTHH:MM:SS.mmm+HH:MM` at the longest.
        return String(unsafeUninitializedCapacity: 29) { text in
            var at = 0
            func digits(_ value: Int, _ width: Int) {
                var value = value
                for position in stride(from: at + width - 1, through: at, by: -1) {
                    text[position] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
                at += width
            }
            func byte(_ ascii: Unicode.Scalar) {
                text[at] = UInt8(ascii: ascii)
                at += 1
            }
            digits(date.year, 4); byte("-"); digits(date.month, 2); byte("-"); digits(date.day, 2); byte("T")
            let seconds = msOfDay / 1000, millis = msOfDay % 1000
            digits(seconds / 3600, 2); byte(":"); digits(seconds / 60 % 60, 2); byte(":"); digits(seconds % 60, 2)
            if millis != 0 { byte("."); digits(millis, 3) }
            if t.offsetMinutes == 0 {
                byte("Z")
            } else {
                byte(t.offsetMinutes < 0 ? "-" : "+"); digits(Int(offset) / 60, 2); byte(":"); digits(Int(offset) % 60, 2)
            }
            return at
        }
    }

    /// `format` a string per part: the reference it is held to, and its form for dates and
    /// offsets beyond the usual.
    static func formatByParts(_ t: Timestamp) -> String {
        let local = t.epochMilliseconds + Int64(t.offsetMinutes) * 60_000
        let days = floorDivide(local, 86_400_000)
        let msOfDay = local - days * 86_400_000
        let date = LocalDate(daysSinceEpoch: Int32(days))
        let seconds = msOfDay / 1000
        let millis = msOfDay % 1000
        func pad(_ n: Int64, _ w: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        var text = "\(date)T\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2))"
        if millis != 0 { text += "." + pad(millis, 3) }
        if t.offsetMinutes == 0 {
            text += "Z"
        } else {
            let o = Int64(t.offsetMinutes)
            text += (o < 0 ? "-" : "+") + pad(abs(o) / 60, 2) + ":" + pad(abs(o) % 60, 2)
        }
        return text
    }
}
