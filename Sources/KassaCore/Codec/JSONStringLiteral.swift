/// A string as JSON text: in quotes, with the escapes RFC 8259 requires (quote, backslash and
/// the control characters). For JSON written by hand outside the service's byte writer: the
/// lane's sale requests and outbox lines, and the analytics reports.
public enum JSONStringLiteral {
    /// `text` quoted and escaped.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
