import Foundation
import KassaCore
import KassaLoyalty

/// Request bodies into Ledger commands, and Ledger answers into the contract's JSON.
enum Wire {
    struct Limits {
        var linesMax: Int
    }

    static func sale(_ body: JSONObject, limits: Limits) throws(APIError) -> Receipt {
        try body.only(["id", "store", "terminal", "cashier", "at", "customer", "lines", "payments"])
        let id = try identifier(body, "id")
        let lines = try body.array("lines", max: limits.linesMax)
        guard !lines.isEmpty else { throw APIError.invalid("lines", "a sale needs at least one line") }
        var receiptLines: [ReceiptLine] = []
        receiptLines.reserveCapacity(lines.count)
        for line in lines {
            try line.only(["sku", "qty", "price", "category", "name"])
            guard let price = try line.integer("price") else { throw APIError.invalid(line.name("price"), "price is required") }
            receiptLines.append(ReceiptLine(sku: try line.sku("sku"), qty: try line.quantity("qty"), price: price,
                                            category: try line.string("category", max: 64, required: false)))
        }
        var payments: [Payment] = []
        for payment in try body.array("payments", max: 20, required: false) {
            try payment.only(["method", "amount"])
            let methodName = try payment.requiredString("method", max: 32)
            guard let method = PaymentMethod(name: methodName) else {
                throw APIError.invalid(payment.name("method"), "\(payment.name("method")) must be cash, card, points or the store's own method code (letters, digits, no spaces), got '\(methodName)'")
            }
            guard let amount = try payment.integer("amount") else { throw APIError.invalid(payment.name("amount"), "amount is required") }
            payments.append(Payment(method: method, amount: amount))
        }
        return Receipt(id: id, store: try identifier(body, "store"), terminal: try identifier(body, "terminal"),
                       cashier: try identifier(body, "cashier"), at: try body.timestamp("at"),
                       customer: try body.card("customer", required: false), lines: receiptLines, payments: payments)
    }

    static func saleReturn(_ body: JSONObject, limits: Limits) throws(APIError) -> SaleReturn {
        try body.only(["id", "sale", "store", "terminal", "cashier", "at", "lines"])
        let lines = try body.array("lines", max: limits.linesMax)
        guard !lines.isEmpty else { throw APIError.invalid("lines", "a return needs at least one line") }
        var returned: [ReturnLine] = []
        for line in lines {
            try line.only(["sku", "qty"])
            returned.append(ReturnLine(sku: try line.sku("sku"), qty: try line.quantity("qty")))
        }
        return SaleReturn(id: try identifier(body, "id"), sale: try identifier(body, "sale"), store: try identifier(body, "store"),
                          terminal: try identifier(body, "terminal"), cashier: try identifier(body, "cashier"),
                          at: try body.timestamp("at"), lines: returned)
    }

    static func void(_ body: JSONObject) throws(APIError) -> SaleVoid {
        try body.only(["id", "sale", "terminal", "cashier", "at", "reason"])
        return SaleVoid(id: try identifier(body, "id"), sale: try identifier(body, "sale"), terminal: try identifier(body, "terminal"),
                        cashier: try identifier(body, "cashier"), at: try body.timestamp("at"),
                        reason: try body.string("reason", max: 256, required: false) ?? "")
    }

    static func customer(_ body: JSONObject, now: Timestamp) throws(APIError) -> Customer {
        try body.only(["card", "phone", "name", "birthdate", "source"])
        guard let card = try body.card("card", required: true) else { throw APIError.invalid("card", "card is required") }
        let phone = try body.string("phone", max: 32, required: false) ?? ""
        let name = try body.string("name", max: 128, required: false) ?? ""
        guard !phone.isEmpty || !name.isEmpty else { throw APIError.invalid("phone", "a customer needs a phone or a name") }
        if !phone.isEmpty {
            guard phone.allSatisfy({ $0.isNumber || $0 == "+" || $0 == " " || $0 == "-" || $0 == "(" || $0 == ")" }), phone.contains(where: \.isNumber) else {
                throw APIError.invalid("phone", "phone must be digits, optionally with +, spaces, dashes and brackets")
            }
        }
        var birthdate: LocalDate?
        if let text = try body.string("birthdate", max: 10, required: false) {
            guard let date = LocalDate(iso: text) else { throw APIError.invalid("birthdate", "birthdate must be a date like 1990-05-17") }
            birthdate = date
        }
        return Customer(card: card, phone: phone, name: name, birthdate: birthdate,
                        source: try body.string("source", max: 64, required: false) ?? "", enrolledAt: now)
    }

    static func products(_ body: JSONObject) throws(APIError) -> [Product] {
        try body.only(["products"])
        var products: [Product] = []
        for item in try body.array("products", max: 10_000) {
            try item.only(["sku", "name", "category", "price", "never_discounted", "weighed"])
            guard let price = try item.integer("price") else { throw APIError.invalid(item.name("price"), "price is required") }
            guard price >= 0 else { throw APIError.invalid(item.name("price"), "price must not be negative") }
            var flags: Product.Flags = []
            if try bool(item, "never_discounted") { flags.insert(.neverDiscounted) }
            if try bool(item, "weighed") { flags.insert(.weighed) }
            products.append(Product(sku: try item.sku("sku"), name: try item.requiredString("name", max: 256),
                                    category: try item.string("category", max: 64, required: false) ?? "", price: price, flags: flags))
        }
        guard !products.isEmpty else { throw APIError.invalid("products", "send at least one product") }
        return products
    }

    static func bool(_ body: JSONObject, _ key: String) throws(APIError) -> Bool {
        guard let raw = body.values[key], !(raw is NSNull) else { return false }
        guard isBoolean(raw), let value = raw as? NSNumber else { throw APIError.invalid(body.name(key), "\(body.name(key)) must be true or false") }
        return value.boolValue
    }

    /// An id, store, terminal or cashier code: 1 to 64 printable ASCII characters.
    static func identifier(_ body: JSONObject, _ key: String) throws(APIError) -> String {
        let text = try body.requiredString(key, max: 64)
        guard Identifier.isValid(text) else {
            throw APIError.invalid(body.name(key), "\(body.name(key)) must be 1 to 64 printable ASCII characters without spaces, quotes or backslashes")
        }
        return text
    }

    // MARK: - Answers

    static func sale(_ record: SaleRecord) -> [String: Any] {
        var out: [String: Any] = [
            "id": record.id, "seq": record.seq, "store": record.store, "terminal": record.terminal, "cashier": record.cashier,
            "at": record.at.description, "subtotal": record.subtotal, "discount": record.discount, "total": record.total,
            "lines": record.lines.map { line -> [String: Any] in
                ["sku": line.line.sku.code, "qty": qty(line.line.qty), "price": line.line.price, "amount": line.priced.amount,
                 "discount": line.priced.discount, "rules": line.priced.rules, "category": line.priced.category,
                 "returned_qty": qty(line.returnedQty)]
            },
            "payments": record.payments.map { ["method": $0.method.description, "amount": $0.amount] },
            "points": ["earned": record.pointsEarned, "spent": record.pointsSpent, "balance": record.pointsBalanceAfter],
            "voided": record.voided, "rules_version": record.rulesVersion,
        ]
        if record.pointsExpired > 0 { out["points"] = ["earned": record.pointsEarned, "spent": record.pointsSpent,
                                                       "balance": record.pointsBalanceAfter, "expired": record.pointsExpired] }
        if let card = record.customer {
            var customer: [String: Any] = ["card": card.description]
            if let tier = record.tier { customer["tier"] = tier }
            out["customer"] = customer
        }
        return out
    }

    static func saleReturn(_ record: ReturnRecord) -> [String: Any] {
        ["id": record.id, "seq": record.seq, "sale": record.sale, "at": record.at.description, "refund": record.refund,
         "lines": record.lines.map { ["sku": $0.sku.code, "qty": qty($0.qty), "refund": $0.refund, "sale_line": $0.saleLine] },
         "points": ["earned_reversed": record.pointsEarnedReversed, "spent_restored": record.pointsSpentRestored,
                    "balance": record.pointsBalanceAfter]]
    }

    static func void(_ record: VoidRecord) -> [String: Any] {
        ["id": record.id, "seq": record.seq, "sale": record.sale, "terminal": record.terminal, "at": record.at.description, "reason": record.reason,
         "refund": record.refund,
         "points": ["earned_reversed": record.pointsEarnedReversed, "spent_restored": record.pointsSpentRestored,
                    "balance": record.pointsBalanceAfter]]
    }

    static func shift(_ totals: ShiftTotals) -> [String: Any] {
        var out: [String: Any] = [
            "terminal": totals.terminal, "number": totals.number, "opened_at": totals.openedAt.description,
            "receipts": totals.receipts, "gross": totals.gross, "discounts": totals.discounts, "sales": totals.sales,
            "payments": totals.payments.map { ["method": $0.method, "amount": $0.amount] },
            "returns": totals.returns, "returns_total": totals.returnsTotal, "voids": totals.voids, "voids_total": totals.voidsTotal,
            "points_earned": totals.pointsEarned, "points_spent": totals.pointsSpent, "net": totals.net,
        ]
        if let closed = totals.closedAt { out["closed_at"] = closed.description }
        return out
    }

    /// What a till sees: the card, tier, points that can be spent and the discounts that apply.
    static func customerSummary(_ account: CustomerAccount, offers: CustomerOffers?) -> [String: Any] {
        var out: [String: Any] = ["card": account.profile.card.description, "points": offers?.standing.points ?? account.points,
                                  "discounts": (offers?.discounts ?? []).map(discount)]
        if let tier = offers?.tier { out["tier"] = tier }
        return out
    }

    static func customerCard(_ account: CustomerAccount, today: Int32, offers: CustomerOffers?) -> [String: Any] {
        let p = account.profile
        var out: [String: Any] = [
            "card": p.card.description, "phone": p.phone, "name": p.name, "source": p.source, "enrolled_at": p.enrolledAt.description,
            "points": account.points, "visits": account.visits, "lifetime_spend": account.lifetimeSpend,
            "spend_365d": account.recentDays.filter { $0.day > today - 365 }.reduce(Int64(0)) { $0 + $1.spend },
            "categories": account.categorySpend.map { ["category": $0.category, "spend": $0.spend] },
            "discounts": (offers?.discounts ?? []).map(discount),
            "near_misses": (offers?.nearMisses ?? []).map { ["rule": $0.rule, "text": $0.text] },
        ]
        if let offers {
            out["points"] = offers.standing.points
            if offers.standing.pointsExpired > 0 { out["points_expired"] = offers.standing.pointsExpired }
            if let tier = offers.tier { out["tier"] = tier }
        }
        if let birthdate = p.birthdate { out["birthdate"] = birthdate.description }
        if let first = account.firstVisitDay { out["first_visit"] = LocalDate(daysSinceEpoch: first).description }
        if let last = account.lastVisitDay { out["last_visit"] = LocalDate(daysSinceEpoch: last).description }
        return out
    }

    /// A quantity as a JSON number: whole pieces as integers, otherwise up to 3 decimals.
    static func qty(_ quantity: Quantity) -> Any {
        if quantity.isWhole { return quantity.thousandths / 1000 }
        return Decimal(string: quantity.description) ?? Decimal(quantity.thousandths) / 1000
    }
}
