import KassaAnalytics
import KassaCore
import KassaJournal
import KassaLoyalty

/// Request bodies into Ledger commands, and Ledger answers into the contract's JSON.
enum Wire {
    struct Limits {
        var linesMax: Int
    }

    /// The fields of a sale, its lines and its payments (built once: sales are the hot path).
    static let saleKeys = ["id", "store", "terminal", "cashier", "at", "customer", "lines", "payments", "offline_pricing"]
    static let saleLineKeys = ["sku", "qty", "price", "category", "name"]
    static let paymentKeys = ["method", "amount"]

    /// A sale's body; `defaultID` stands in for an `id` left out (quotes need none).
    static func sale(_ body: JSONObject, limits: Limits, defaultID: String? = nil) throws(APIError) -> Receipt {
        try body.only(saleKeys)
        let id: String
        if let defaultID, body["id"] == nil {
            id = defaultID
        } else {
            id = try identifier(body, "id")
        }
        let lines = try body.array("lines", max: limits.linesMax)
        guard !lines.isEmpty else { throw APIError.invalid("lines", "a sale needs at least one line") }
        var receiptLines: [ReceiptLine] = []
        receiptLines.reserveCapacity(lines.count)
        for line in lines {
            try line.only(saleLineKeys)
            guard let price = try line.integer("price") else { throw APIError.invalid(line.name("price"), "price is required") }
            receiptLines.append(ReceiptLine(sku: try line.sku("sku"), qty: try line.quantity("qty"), price: price,
                                            category: try line.string("category", max: 64, required: false)))
        }
        var payments: [Payment] = []
        for payment in try body.array("payments", max: 20, required: false) {
            try payment.only(paymentKeys)
            let methodName = try payment.requiredString("method", max: 32)
            guard let method = PaymentMethod(name: methodName) else {
                throw APIError.invalid(payment.name("method"), "\(payment.name("method")) must be cash, card, points or the store's own method code (letters, digits, no spaces), got '\(methodName)'")
            }
            guard let amount = try payment.integer("amount") else { throw APIError.invalid(payment.name("amount"), "amount is required") }
            payments.append(Payment(method: method, amount: amount))
        }
        return Receipt(id: id, store: try identifier(body, "store"), terminal: try identifier(body, "terminal"),
                       cashier: try identifier(body, "cashier"), at: try body.timestamp("at"),
                       customer: try body.card("customer", required: false), lines: receiptLines, payments: payments,
                       lanePricing: try lanePricing(body, limits: limits))
    }

    /// `offline_pricing`: the discounts a lane gave while the server was away,
    /// `{"rules_version": 3, "lines": [{"discount": 120, "rules": ["promo-milk"]}, …]}`.
    static func lanePricing(_ body: JSONObject, limits: Limits) throws(APIError) -> LanePricing? {
        guard let pricing = try body.object("offline_pricing", required: false) else { return nil }
        try pricing.only(["rules_version", "lines"])
        guard let version = try pricing.integer("rules_version"), version >= 0, version <= Int64(UInt32.max) else {
            throw APIError.invalid(pricing.name("rules_version"), "rules_version must be the rules version the lane priced with (0 for none)")
        }
        var lines: [LanePricing.Line] = []
        for line in try pricing.array("lines", max: limits.linesMax) {
            try line.only(["discount", "rules"])
            guard let discount = try line.integer("discount") else { throw APIError.invalid(line.name("discount"), "discount is required") }
            var rules: [String] = []
            if let raw = line.present("rules") {
                guard case .array(let items) = raw, items.count <= 16 else {
                    throw APIError.invalid(line.name("rules"), "\(line.name("rules")) must be an array of at most 16 rule ids")
                }
                for item in items {
                    guard case .string(let rule) = item, Identifier.isValid(rule) else {
                        throw APIError.invalid(line.name("rules"), "\(line.name("rules")) must hold rule ids")
                    }
                    rules.append(rule)
                }
            }
            lines.append(LanePricing.Line(discount: discount, rules: rules))
        }
        return LanePricing(rulesVersion: UInt32(version), lines: lines)
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

    /// A catalog item as `PUT /v1/products` takes it.
    static func product(_ product: Product, into w: inout JSONWriter) {
        w.object { w in
            w.field("category", product.category)
            w.field("name", product.name)
            w.field("never_discounted", product.flags.contains(.neverDiscounted))
            w.field("price", product.price)
            w.field("sku", product.sku.code)
            w.field("weighed", product.flags.contains(.weighed))
        }
    }

    static func bool(_ body: JSONObject, _ key: String) throws(APIError) -> Bool {
        guard let raw = body.present(key) else { return false }
        guard case .bool(let value) = raw else { throw APIError.invalid(body.name(key), "\(body.name(key)) must be true or false") }
        return value
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
    //
    // Members are written with their keys sorted by bytes (JSONWriter checks it in debug builds).

    static func sale(_ record: SaleRecord, into w: inout JSONWriter) {
        w.object { w in
            w.field("at", record.at)
            w.field("cashier", record.cashier)
            if let card = record.customer {
                w.object("customer") { w in
                    w.field("card", card.description)
                    if let tier = record.tier { w.field("tier", tier) }
                }
            }
            w.field("discount", record.discount)
            w.field("id", record.id)
            w.key("lines")
            w.array { w in
                // Read where they lie: iterating copies each line, retaining its strings.
                record.lines.withUnsafeBufferPointer { lines in
                    for index in lines.indices {
                        Wire.line(sku: lines[index].line.sku.code, qty: lines[index].line.qty, price: lines[index].line.price,
                                  priced: lines[index].priced, returnedQty: lines[index].returnedQty, into: &w)
                    }
                }
            }
            w.array("payments", record.payments) { w, payment in
                w.object { w in
                    w.field("amount", payment.amount)
                    w.field("method", payment.method.description)
                }
            }
            w.object("points") { w in
                w.field("balance", record.pointsBalanceAfter)
                w.field("earned", record.pointsEarned)
                if record.pointsExpired > 0 { w.field("expired", record.pointsExpired) }
                w.field("spent", record.pointsSpent)
            }
            w.field("rules_version", record.rulesVersion)
            w.field("seq", record.seq)
            w.field("store", record.store)
            w.field("subtotal", record.subtotal)
            w.field("terminal", record.terminal)
            w.field("total", record.total)
            w.field("voided", record.voided)
        }
    }

    /// A priced line of a quote, or with `returnedQty` of a sale: `amount`, `category`,
    /// `discount`, `price`, `qty`, (`returned_qty`,) `rules`, `sku`. Written through a cursor in
    /// room reserved for the whole line: it is most of the bytes of both answers.
    static func line(sku: String, qty: Quantity, price: Int64, priced: PricedLine, returnedQty: Quantity?, into w: inout JSONWriter) {
        // The keys, brackets and commas come to 85 bytes with returned_qty; each rule id adds
        // a comma.
        var bound = 96 + 5 * JSONWriter.Cursor.numberBound
            + JSONWriter.Cursor.stringBound(sku) + JSONWriter.Cursor.stringBound(priced.category)
        for rule in priced.rules { bound += JSONWriter.Cursor.stringBound(rule) + 1 }
        w.reserved(bound) { c in
            c.literal(#"{"amount":"#)
            c.number(priced.amount)
            c.literal(#","category":"#)
            c.string(priced.category)
            c.literal(#","discount":"#)
            c.number(priced.discount)
            c.literal(#","price":"#)
            c.number(price)
            c.literal(#","qty":"#)
            c.quantity(qty)
            if let returnedQty {
                c.literal(#","returned_qty":"#)
                c.quantity(returnedQty)
            }
            c.literal(#","rules":["#)
            for (position, rule) in priced.rules.enumerated() {
                if position > 0 { c.byte(UInt8(ascii: ",")) }
                c.string(rule)
            }
            c.byte(UInt8(ascii: "]"))
            c.literal(#","sku":"#)
            c.string(sku)
            c.byte(UInt8(ascii: "}"))
        }
    }

    static func saleReturn(_ record: ReturnRecord, into w: inout JSONWriter) {
        w.object { w in
            w.field("at", record.at)
            w.field("id", record.id)
            w.array("lines", record.lines) { w, line in
                w.object { w in
                    w.field("qty", line.qty)
                    w.field("refund", line.refund)
                    w.field("sale_line", line.saleLine)
                    w.field("sku", line.sku.code)
                }
            }
            pointsBack(balance: record.pointsBalanceAfter, earnedReversed: record.pointsEarnedReversed,
                       spentRestored: record.pointsSpentRestored, into: &w)
            w.field("refund", record.refund)
            w.field("sale", record.sale)
            w.field("seq", record.seq)
        }
    }

    /// The points a return or a void gave back or took back, and the balance after.
    private static func pointsBack(balance: Int64, earnedReversed: Int64, spentRestored: Int64, into w: inout JSONWriter) {
        w.object("points") { w in
            w.field("balance", balance)
            w.field("earned_reversed", earnedReversed)
            w.field("spent_restored", spentRestored)
        }
    }

    static func void(_ record: VoidRecord, into w: inout JSONWriter) {
        w.object { w in
            w.field("at", record.at)
            w.field("id", record.id)
            pointsBack(balance: record.pointsBalanceAfter, earnedReversed: record.pointsEarnedReversed,
                       spentRestored: record.pointsSpentRestored, into: &w)
            w.field("reason", record.reason)
            w.field("refund", record.refund)
            w.field("sale", record.sale)
            w.field("seq", record.seq)
            w.field("terminal", record.terminal)
        }
    }

    static func shift(_ totals: ShiftTotals, into w: inout JSONWriter) {
        w.object { w in
            if let closed = totals.closedAt { w.field("closed_at", closed.description) }
            w.field("discounts", totals.discounts)
            w.field("gross", totals.gross)
            w.field("net", totals.net)
            w.field("number", totals.number)
            w.field("opened_at", totals.openedAt.description)
            w.array("payments", totals.payments) { w, payment in
                w.object { w in
                    w.field("amount", payment.amount)
                    w.field("method", payment.method)
                }
            }
            w.field("points_earned", totals.pointsEarned)
            w.field("points_spent", totals.pointsSpent)
            w.field("receipts", totals.receipts)
            w.field("returns", totals.returns)
            w.field("returns_total", totals.returnsTotal)
            w.field("sales", totals.sales)
            w.field("terminal", totals.terminal)
            w.field("voids", totals.voids)
            w.field("voids_total", totals.voidsTotal)
        }
    }

    /// What a till sees: the card, tier, points that can be spent and the discounts that apply.
    static func customerSummary(_ account: CustomerAccount, offers: CustomerOffers?, into w: inout JSONWriter) {
        w.object { w in
            w.field("card", account.profile.card.description)
            w.array("discounts", offers?.discounts ?? [], discount)
            w.field("points", offers?.standing.points ?? account.points)
            if let tier = offers?.tier { w.field("tier", tier) }
        }
    }

    static func customerCard(_ account: CustomerAccount, today: Int32, offers: CustomerOffers?, segment: CardSegment? = nil,
                             into w: inout JSONWriter) {
        let p = account.profile
        w.object { w in
            if let birthdate = p.birthdate { w.field("birthdate", birthdate.description) }
            w.field("card", p.card.description)
            w.array("categories", account.categorySpend) { w, category in
                w.object { w in
                    w.field("category", category.category)
                    w.field("spend", category.spend)
                }
            }
            w.array("discounts", offers?.discounts ?? [], discount)
            w.field("enrolled_at", p.enrolledAt.description)
            if let first = account.firstVisitDay { w.field("first_visit", LocalDate(daysSinceEpoch: first).description) }
            if let last = account.lastVisitDay { w.field("last_visit", LocalDate(daysSinceEpoch: last).description) }
            w.field("lifetime_spend", account.lifetimeSpend)
            w.field("name", p.name)
            w.array("near_misses", offers?.nearMisses ?? []) { w, miss in
                w.object { w in
                    w.field("rule", miss.rule)
                    w.field("text", miss.text)
                }
            }
            w.field("phone", p.phone)
            w.field("points", offers?.standing.points ?? account.points)
            if let expired = offers?.standing.pointsExpired, expired > 0 { w.field("points_expired", expired) }
            if let segment {
                // As of the newest segmentation (see /v1/segments), not of this very moment.
                w.object("segment") { w in
                    w.field("as_of", segment.asOf)
                    w.field("name", segment.row.segment)
                    w.field("rfm", segment.row.rfm)
                }
            }
            w.field("source", p.source)
            w.field("spend_365d", account.recentDays.filter { $0.day > today - 365 }.reduce(Int64(0)) { $0 + $1.spend })
            if let tier = offers?.tier { w.field("tier", tier) }
            w.field("visits", account.visits)
        }
    }

    /// One sale of a customer's purchase history as the projection holds it.
    static func historySale(_ sale: HistorySale, into w: inout JSONWriter) {
        w.object { w in
            w.field("at", sale.at)
            w.field("discount", sale.discount)
            w.field("id", sale.id)
            w.array("lines", sale.lines) { w, line in
                w.object { w in
                    w.field("amount", line.amount)
                    w.field("category", line.category)
                    w.field("discount", line.discount)
                    w.field("price", line.price)
                    w.field("qty", Quantity(thousandths: line.qtyThousandths))
                    w.field("sku", line.sku)
                }
            }
            w.object("points") { w in
                w.field("earned", sale.pointsEarned)
                w.field("spent", sale.pointsSpent)
            }
            w.field("seq", sale.seq)
            w.field("store", sale.store)
            w.field("subtotal", sale.subtotal)
            w.field("terminal", sale.terminal)
            w.field("total", sale.total)
        }
    }
}
