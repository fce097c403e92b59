import Foundation
import KassaCore
import KassaLoyalty

extension Lane {
    /// The basket's price: the server's quote while it answers, else the lane's own from its
    /// cached catalog and rules. Offline the lane cannot know the customer's tier, birthday or
    /// points, so only the rules that need no customer standing apply; the receipt says so.
    func priceBasket() throws -> LanePrice {
        if let price { return price }
        let request = SaleRequest.body(id: "quote", store: settings.store, terminal: settings.terminal, cashier: settings.cashier,
                                       at: now(), basket: basket, payments: [], offline: nil)
        let priced: LanePrice
        switch client.call("POST", "/v1/quotes", body: request) {
        case .answered(_, let body):
            state.withLock { setOnline(true) }
            priced = try serverPrice(body)
        case .refused(_, let code, let message, let field):
            throw CashierInputError("the server refused the basket (\(code)\(field.map { " at \($0)" } ?? "")): \(message)")
        case .unreachable:
            state.withLock { setOnline(false) }
            priced = try offlinePrice()
        }
        price = priced
        return priced
    }

    private func serverPrice(_ body: [String: Any]) throws -> LanePrice {
        let lines = (body["lines"] as? [[String: Any]] ?? []).map { line in
            LanePrice.Line(discount: (line["discount"] as? NSNumber)?.int64Value ?? 0, rules: line["rules"] as? [String] ?? [])
        }
        guard lines.count == basket.lines.count else { throw CashierInputError("the server's quote has \(lines.count) lines for \(basket.lines.count)") }
        let points = body["points"] as? [String: Any]
        let rulesVersion = state.withLock { catalog.rules?.version ?? 0 }
        return LanePrice(lines: lines, subtotal: int(body["subtotal"]), discount: int(body["discount"]), total: int(body["total"]),
                         pointsEarned: points.map { int($0["earn"]) }, pointsBalanceAfter: points.map { int($0["balance_after"]) },
                         pointsRedeemableMax: points.map { int($0["redeemable_max"]) } ?? 0, pointValue: pointValue(),
                         rulesVersion: rulesVersion, offline: false)
    }

    private func offlinePrice() throws -> LanePrice {
        let (ledgerCatalog, rules) = state.withLock { (catalog.ledgerCatalog, catalog.rulesRecord()) }
        var lines: [ReceiptLine] = []
        for line in basket.lines {
            guard let sku = try? SKU(validating: line.sku) else { throw CashierInputError("\(line.sku) is not a code the pricing accepts") }
            lines.append(ReceiptLine(sku: sku, qty: line.qty, price: line.price, category: line.category.isEmpty ? nil : line.category))
        }
        let at = now()
        let receipt = Receipt(id: "offline-quote", store: settings.store, terminal: settings.terminal, cashier: settings.cashier,
                              at: at, customer: nil, lines: lines, payments: [])
        let quote: Quote
        do {
            quote = try pricing.quote(receipt, customer: nil, catalog: ledgerCatalog, rules: rules, today: at.localDay).quote
        } catch {
            throw CashierInputError("the basket cannot be priced offline: \(error.message)")
        }
        let priced = quote.priced
        return LanePrice(lines: priced.lines.map { LanePrice.Line(discount: $0.discount, rules: $0.rules) },
                         subtotal: priced.subtotal, discount: priced.discount, total: priced.total,
                         pointsEarned: nil, pointsBalanceAfter: nil, pointsRedeemableMax: 0, pointValue: pointValue(),
                         rulesVersion: priced.rulesVersion, offline: true)
    }

    /// What one point pays for under the cached rules (1.00 without rules, as the server).
    func pointValue() -> Int64 {
        guard let record = state.withLock({ catalog.rulesRecord() }) else { return 100 }
        for rule in pricing.program(for: record).ruleSet.rules {
            if case .points(let programme) = rule.kind { return programme.pointValue }
        }
        return 100
    }

    /// Now, on the lane's clock, in its time zone.
    func now() -> Timestamp {
        let date = Date()
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        return Timestamp(epochMilliseconds: milliseconds, offsetMinutes: Int16(TimeZone.current.secondsFromGMT(for: date) / 60))
    }

    func int(_ value: Any?) -> Int64 { (value as? NSNumber)?.int64Value ?? 0 }
}

extension Lane {
    /// The names of the cached rules by id, for receipts.
    public func ruleNames() -> [String: String] {
        guard let record = state.withLock({ catalog.rulesRecord() }) else { return [:] }
        var names: [String: String] = [:]
        for rule in pricing.program(for: record).ruleSet.rules { names[rule.id] = rule.name }
        return names
    }
}
