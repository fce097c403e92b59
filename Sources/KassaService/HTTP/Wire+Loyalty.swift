import Foundation
import KassaCore
import KassaLoyalty

extension Wire {
    /// A basket to quote: a sale's body whose `id` and `payments` may be left out.
    static func basket(_ body: JSONObject, limits: Limits) throws(APIError) -> Receipt {
        var values = body.values
        if values["id"] == nil { values["id"] = "quote" }
        return try sale(JSONObject(values: values, path: body.path), limits: limits)
    }

    /// A rule that applies, for the customer card and quotes.
    static func discount(_ reason: Reason) -> [String: Any] {
        ["rule": reason.rule, "kind": reason.kind, "value": reason.value, "reason": reason.text]
    }

    /// The contract's quote: the sale's shape without `seq`, plus reasons and near misses.
    static func quote(_ receipt: Receipt, _ quote: Quote, program: PricingProgram?, card: CardNumber?) -> [String: Any] {
        let priced = quote.priced
        var out: [String: Any] = [
            "id": receipt.id, "subtotal": priced.subtotal, "discount": priced.discount, "total": priced.total,
            "rules_version": priced.rulesVersion,
            "lines": zip(receipt.lines, priced.lines).map { line, pricedLine -> [String: Any] in
                ["sku": line.sku.code, "qty": qty(line.qty), "price": line.price, "amount": pricedLine.amount,
                 "discount": pricedLine.discount, "rules": pricedLine.rules, "category": pricedLine.category]
            },
            "reasons": (program.map { program in program.reasons(for: quote) } ?? []).map { reason -> [String: Any] in
                ["rule": reason.rule, "kind": reason.kind, "value": reason.value, "reason": reason.text,
                 "discount": reason.discount, "points": reason.points]
            },
            "near_misses": quote.nearMisses.compactMap { miss -> [String: Any]? in
                guard let program else { return nil }
                return ["rule": program.ruleID(miss), "text": program.text(miss)]
            },
        ]
        if let card {
            let balance = quote.standing?.points ?? 0
            var points: [String: Any] = ["earn": priced.pointsEarned, "spend": priced.pointsSpent, "balance": balance,
                                         "balance_after": balance - priced.pointsSpent + priced.pointsEarned,
                                         "redeemable_max": quote.pointsRedeemableMax]
            if priced.pointsExpired > 0 { points["expired"] = priced.pointsExpired }
            out["points"] = points
            var customer: [String: Any] = ["card": card.description]
            if let level = quote.standing?.tierLevel, let tier = program?.tierID(level: level) { customer["tier"] = tier }
            if let after = priced.tier { customer["tier_after"] = after }
            out["customer"] = customer
        }
        return out
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
