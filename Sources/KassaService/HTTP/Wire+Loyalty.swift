import Foundation
import KassaCore
import KassaLoyalty

extension Wire {
    /// A basket to quote: a sale's body whose `id` and `payments` may be left out.
    static func basket(_ body: JSONObject, limits: Limits) throws(APIError) -> Receipt {
        guard !body.has("offline_pricing") else {
            throw APIError.invalid("offline_pricing", "a quote is the server's pricing; offline_pricing belongs to sales a lane made without the server")
        }
        return try sale(body, limits: limits, defaultID: "quote")
    }

    /// A rule that applies, for the customer card and quotes.
    static func discount(_ w: inout JSONWriter, _ reason: Reason) {
        w.object { w in
            w.field("kind", reason.kind)
            w.field("reason", reason.text)
            w.field("rule", reason.rule)
            w.field("value", reason.value)
        }
    }

    /// The contract's quote: the sale's shape without `seq`, plus reasons and near misses.
    static func quote(_ receipt: Receipt, _ quote: Quote, program: PricingProgram?, card: CardNumber?, into w: inout JSONWriter) {
        let priced = quote.priced
        w.object { w in
            if let card {
                w.object("customer") { w in
                    w.field("card", card.description)
                    if let level = quote.standing?.tierLevel, let tier = program?.tierID(level: level) { w.field("tier", tier) }
                    if let after = priced.tier { w.field("tier_after", after) }
                }
            }
            w.field("discount", priced.discount)
            w.field("id", receipt.id)
            w.key("lines")
            w.array { w in
                // Read where they lie: iterating copies each line, retaining its strings.
                receipt.lines.withUnsafeBufferPointer { lines in
                    priced.lines.withUnsafeBufferPointer { pricedLines in
                        for index in 0..<min(lines.count, pricedLines.count) {
                            Wire.line(sku: lines[index].sku.code, qty: lines[index].qty, price: lines[index].price,
                                      priced: pricedLines[index], returnedQty: nil, into: &w)
                        }
                    }
                }
            }
            w.array("near_misses", program == nil ? [] : quote.nearMisses) { w, miss in
                guard let program else { return }
                w.object { w in
                    w.field("rule", program.ruleID(miss))
                    w.field("text", program.text(miss))
                }
            }
            if card != nil {
                let balance = quote.standing?.points ?? 0
                w.object("points") { w in
                    w.field("balance", balance)
                    w.field("balance_after", balance - priced.pointsSpent + priced.pointsEarned)
                    w.field("earn", priced.pointsEarned)
                    if priced.pointsExpired > 0 { w.field("expired", priced.pointsExpired) }
                    w.field("redeemable_max", quote.pointsRedeemableMax)
                    w.field("spend", priced.pointsSpent)
                }
            }
            w.array("reasons", program.map { $0.reasons(for: quote) } ?? []) { w, reason in
                w.object { w in
                    w.field("discount", reason.discount)
                    w.field("kind", reason.kind)
                    w.field("points", reason.points)
                    w.field("reason", reason.text)
                    w.field("rule", reason.rule)
                    w.field("value", reason.value)
                }
            }
            w.field("rules_version", priced.rulesVersion)
            w.field("subtotal", priced.subtotal)
            w.field("total", priced.total)
        }
    }

    /// The rules in force for `GET /v1/rules`.
    static func rules(_ record: RulesRecord?, ruleSet: RuleSet?) -> [String: Any] {
        guard let record else { return ["version": 0, "rules": [] as [Any]] }
        var out: [String: Any] = ["version": record.version, "at": record.at.description, "by": record.by, "document": record.document]
        if let ruleSet {
            for (key, value) in ruleSet.jsonTree { out[key] = value }
        }
        return out
    }
}
