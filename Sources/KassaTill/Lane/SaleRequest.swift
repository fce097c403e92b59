import KassaCore

/// The `POST /v1/sales` body of a finished basket, written as JSON text by hand so that
/// quantities keep their exact three decimals (`Quantity`'s text) and retries send the same bytes.
enum SaleRequest {
    static func body(id: String, store: String, terminal: String, cashier: String, at: Timestamp, basket: Basket,
                     payments: [LanePayment], offline: LanePrice?) -> [UInt8] {
        var out = "{"
        out += "\"id\":\(quoted(id)),\"store\":\(quoted(store)),\"terminal\":\(quoted(terminal)),\"cashier\":\(quoted(cashier))"
        out += ",\"at\":\(quoted(at.description))"
        if let card = basket.card { out += ",\"customer\":\(quoted(card.description))" }
        out += ",\"lines\":["
        out += basket.lines.map { line in
            var text = "{\"sku\":\(quoted(line.sku)),\"qty\":\(line.qty),\"price\":\(line.price)"
            if !line.category.isEmpty { text += ",\"category\":\(quoted(line.category))" }
            return text + "}"
        }.joined(separator: ",")
        out += "],\"payments\":["
        out += payments.map { "{\"method\":\(quoted($0.method.rawValue)),\"amount\":\($0.amount)}" }.joined(separator: ",")
        out += "]"
        if let offline {
            out += ",\"offline_pricing\":{\"rules_version\":\(offline.rulesVersion),\"lines\":["
            out += offline.lines.map { line in
                "{\"discount\":\(line.discount),\"rules\":[\(line.rules.map(quoted).joined(separator: ","))]}"
            }.joined(separator: ",")
            out += "]}"
        }
        out += "}"
        return Array(out.utf8)
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
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
