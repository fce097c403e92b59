import KassaCore

/// The `POST /v1/sales` body of a finished basket, written as JSON text by hand so that
/// quantities keep their exact three decimals (`Quantity`'s text) and retries send the same bytes.
enum SaleRequest {
    static func body(id: String, store: String, terminal: String, cashier: String, at: Timestamp, basket: Basket,
                     payments: [LanePayment], offline: LanePrice?) -> [UInt8] {
        var out = "{"
        out += "\"id\":\(JSONStringLiteral.quoted(id)),\"store\":\(JSONStringLiteral.quoted(store)),\"terminal\":\(JSONStringLiteral.quoted(terminal)),\"cashier\":\(JSONStringLiteral.quoted(cashier))"
        out += ",\"at\":\(JSONStringLiteral.quoted(at.description))"
        if let card = basket.card { out += ",\"customer\":\(JSONStringLiteral.quoted(card.description))" }
        out += ",\"lines\":["
        out += basket.lines.map { line in
            var text = "{\"sku\":\(JSONStringLiteral.quoted(line.sku)),\"qty\":\(line.qty),\"price\":\(line.price)"
            if !line.category.isEmpty { text += ",\"category\":\(JSONStringLiteral.quoted(line.category))" }
            return text + "}"
        }.joined(separator: ",")
        out += "],\"payments\":["
        out += payments.map { "{\"method\":\(JSONStringLiteral.quoted($0.method.rawValue)),\"amount\":\($0.amount)}" }.joined(separator: ",")
        out += "]"
        if let offline {
            out += ",\"offline_pricing\":{\"rules_version\":\(offline.rulesVersion),\"lines\":["
            out += offline.lines.map { line in
                "{\"discount\":\(line.discount),\"rules\":[\(line.rules.map(JSONStringLiteral.quoted).joined(separator: ","))]}"
            }.joined(separator: ",")
            out += "]}"
        }
        out += "}"
        return Array(out.utf8)
    }
}
