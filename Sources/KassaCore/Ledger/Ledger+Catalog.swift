extension Ledger {
    func decideEnrol(_ customer: Customer) throws(LedgerError) -> Decision {
        if let existing = customers.account(customer.card) {
            var same = existing.profile
            same.enrolledAt = customer.enrolledAt
            guard same == customer else {
                throw LedgerError(.customerExists, "card \(customer.card) is already enrolled with other details", field: "card")
            }
            return .duplicate(.customer(existing))
        }
        guard !customer.phone.isEmpty || !customer.name.isEmpty else {
            throw LedgerError(.invalidField, "a customer needs a phone or a name", field: "phone")
        }
        try requireLabel(customer.name, field: "name", lengthMax: Customer.nameLengthMax, allowEmpty: true)
        guard customer.phone.utf8.count <= Customer.phoneLengthMax,
              customer.phone.utf8.enumerated().allSatisfy({ ($0.element >= 0x30 && $0.element <= 0x39) || ($0.offset == 0 && $0.element == 0x2B) }) else {
            throw LedgerError(.invalidField, "phone must be up to \(Customer.phoneLengthMax) digits, optionally after a leading +", field: "phone")
        }
        if !customer.source.isEmpty {
            guard Identifier.isValid(customer.source), customer.source.utf8.count <= Customer.sourceLengthMax else {
                throw LedgerError(.invalidField, "source must be a short code such as flyer or web", field: "source")
            }
        }
        return .record(.customerEnrolled(customer))
    }

    mutating func recordEnrol(_ customer: Customer) -> LedgerAnswer {
        let account = CustomerAccount(profile: customer)
        customers.insert(account)
        changes.customers.insert(customer.card)
        stats.customers += 1
        return .customer(account)
    }

    func decideUpsert(_ products: [Product]) throws(LedgerError) -> Decision {
        guard !products.isEmpty, products.count <= limits.productsPerUpsertMax else {
            throw LedgerError(.invalidField, "an upsert carries 1–\(limits.productsPerUpsertMax) products", field: "products")
        }
        for (index, product) in products.enumerated() {
            try requireLabel(product.name, field: "products[\(index)].name", lengthMax: Product.nameLengthMax)
            try requireLabel(product.category, field: "products[\(index)].category", allowEmpty: true)
            guard product.price >= 0, product.price <= limits.priceMax else {
                throw LedgerError(.invalidField, "price must be 0…\(limits.priceMax) minor units", field: "products[\(index)].price")
            }
        }
        return .record(.productsUpserted(products))
    }

    mutating func recordUpsert(_ products: [Product]) -> LedgerAnswer {
        catalog.upsert(products)
        for product in products { changes.products.insert(product.sku) }
        return .products(count: products.count)
    }

    func decideOpenShift(_ terminal: String) throws(LedgerError) -> Decision {
        try requireIdentifier(terminal, field: "terminal")
        if let open = shifts[terminal]?.open { return .duplicate(.shift(open)) }
        return .record(.shiftOpened(terminal: terminal))
    }

    mutating func recordOpenShift(_ terminal: String, at now: Timestamp) -> LedgerAnswer {
        var opened: ShiftTotals?
        updateOpenShift(terminal, at: now) { opened = $0 }
        return .shift(opened ?? ShiftTotals(terminal: terminal, number: 0, openedAt: now))
    }

    func decideCloseShift(_ terminal: String) throws(LedgerError) -> Decision {
        try requireIdentifier(terminal, field: "terminal")
        guard shifts[terminal]?.open != nil else {
            let last = shifts[terminal]?.lastClosed.map { " (shift \($0.number) was closed last)" } ?? ""
            throw LedgerError(.unknownTerminal, "terminal \(terminal) has no open shift\(last)", field: "terminal")
        }
        return .record(.shiftClosed(terminal: terminal))
    }

    mutating func recordCloseShift(_ terminal: String, at now: Timestamp) -> LedgerAnswer {
        var state = shifts[terminal] ?? ShiftState()
        var closed = state.open ?? ShiftTotals(terminal: terminal, number: 0, openedAt: now)
        closed.closedAt = now
        state.open = nil
        state.lastClosed = closed
        shifts[terminal] = state
        return .shift(closed)
    }
}
