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
    public static func format(_ t: Timestamp) -> String {
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
