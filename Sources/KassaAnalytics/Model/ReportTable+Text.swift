import Foundation
import KassaCore

extension ReportValue {
    /// The value as CSV or JSON number text: integers as they are, ratios with up to six
    /// decimals and no trailing zeros; a value that is not finite is empty (CSV) or null (JSON).
    public var numberText: String? {
        switch self {
        case .int(let value): return String(value)
        case .number(let value):
            guard value.isFinite else { return nil }
            var text = String(format: "%.6f", value)
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
            return text == "-0" ? "0" : text
        case .text, .null: return nil
        }
    }
}

extension ReportTable {
    /// RFC 4180 CSV: a header line, then one line per row, CRLF-free (LF), fields quoted when
    /// they hold a comma, quote or line break.
    public func csv() -> String {
        var out = columns.map(Self.csvField).joined(separator: ",") + "\n"
        for row in rows {
            out += row.map { value -> String in
                switch value {
                case .text(let text): return Self.csvField(text)
                case .null: return ""
                default: return value.numberText ?? ""
                }
            }.joined(separator: ",")
            out += "\n"
        }
        return out
    }

    /// JSON Lines: one object per row, members in column order.
    public func jsonLines() -> String {
        var out = ""
        for row in rows {
            out += "{"
            for (index, column) in columns.enumerated() {
                if index > 0 { out += "," }
                out += JSONStringLiteral.quoted(column) + ":"
                switch row[index] {
                case .text(let text): out += JSONStringLiteral.quoted(text)
                case .null: out += "null"
                default: out += row[index].numberText ?? "null"
                }
            }
            out += "}\n"
        }
        return out
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
