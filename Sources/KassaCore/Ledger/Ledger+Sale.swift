extension Ledger {
    /// Most a single receipt may total (10,000,000,000.00): far beyond any real basket, and low
    /// enough that running totals can never overflow.
    public static let receiptTotalMax: Int64 = 1_000_000_000_000

    func decideSale(_ receipt: Receipt, pricing: some SalePricing, precheck: SalePrecheck? = nil) throws(LedgerError) -> Decision {
        // Looked up first, though needed only after the checks below: the card's record is
        // nearly always a read from memory, which then waits while the receipt is hashed
        // instead of holding up pricing.
        let found = receipt.customer.map { customers.pricingAccount($0) }
        let fingerprint = precheck?.fingerprint ?? Fingerprint.of(receipt)
        if let existing = receipts.sale(receipt.id) {
            guard existing.fingerprint == fingerprint else {
                throw LedgerError(.idConflict, "sale \(receipt.id) was registered earlier with a different body; use a new id for a new receipt", field: "id")
            }
            return .duplicate(.sale(existing))
        }
        if let precheck {
            if let problem = precheck.problem { throw problem }
        } else {
            try validate(receipt)
        }
        var account: CustomerAccount?
        if let card = receipt.customer {
            guard let found = found ?? nil else {
                throw LedgerError(.unknownCustomer, "card \(card) is not enrolled; enrol it first or post the sale without a card", field: "customer")
            }
            account = found
        }
        var priced: PricedSale
        if let quoted = precheck?.quoted, quoted.holds(account: account, catalog: catalog, rules: rules) {
            priced = quoted.priced
        } else {
            priced = try pricing.price(receipt, customer: account, catalog: catalog, rules: rules, today: receipt.at.localDay,
                                       lookup: precheck?.lookup)
        }
        try check(priced, for: receipt)
        if let lane = receipt.lanePricing {
            // What the customer paid at a lane that sold without the server (validated above).
            for index in priced.lines.indices {
                priced.lines[index].discount = lane.lines[index].discount
                priced.lines[index].rules = lane.lines[index].rules
            }
            priced.rulesVersion = lane.rulesVersion
        }
        let total = priced.total
        guard total <= Ledger.receiptTotalMax else {
            throw LedgerError(.amountOverflow, "the receipt total \(Money.decimalText(total)) is beyond the largest accepted", field: "lines")
        }
        if !receipt.payments.isEmpty {
            let paid = receipt.payments.reduce(Int64(0)) { $0 + $1.amount }
            guard paid == total else {
                throw LedgerError(.paymentMismatch, "payments add up to \(paid) but the total after discounts is \(total)", field: "payments")
            }
        }
        // Expired points are written off before anything is spent: they cannot pay.
        let expired = account == nil ? 0 : min(max(0, priced.pointsExpired), account?.points ?? 0)
        let balance = (account?.points ?? 0) - expired
        if priced.pointsSpent > 0 {
            guard account != nil else {
                throw LedgerError(.invalidField, "a points payment needs a loyalty card on the receipt", field: "payments")
            }
            guard priced.pointsSpent <= balance else {
                throw LedgerError(.insufficientPoints, "the card has \(balance) points, the payment needs \(priced.pointsSpent)", field: "payments")
            }
        }
        // Built from the lines where they lie (`check` made the counts equal). Reserved and
        // appended: `Array(unsafeUninitializedCapacity:)` looks the storage type up at run time.
        var lines: [SoldLine] = []
        lines.reserveCapacity(receipt.lines.count)
        receipt.lines.withUnsafeBufferPointer { posted in
            priced.lines.withUnsafeBufferPointer { pricedLines in
                for index in posted.indices { lines.append(SoldLine(line: posted[index], priced: pricedLines[index])) }
            }
        }
        let record = SaleRecord(
            seq: lastSeq + 1, fingerprint: fingerprint, id: receipt.id, store: receipt.store,
            terminal: receipt.terminal, cashier: receipt.cashier, at: receipt.at, customer: receipt.customer,
            lines: lines, payments: receipt.payments,
            pointsEarned: account == nil ? 0 : priced.pointsEarned, pointsSpent: priced.pointsSpent,
            pointsBalanceAfter: account == nil ? 0 : balance - priced.pointsSpent + priced.pointsEarned,
            tier: account == nil ? nil : priced.tier, rulesVersion: priced.rulesVersion, pointsExpired: expired)
        return .record(.saleRegistered(record))
    }

    /// Pricing is outside the core; its output is checked like any other input.
    private func check(_ priced: PricedSale, for receipt: Receipt) throws(LedgerError) {
        guard priced.lines.count == receipt.lines.count else {
            throw LedgerError(.invalidField, "pricing returned \(priced.lines.count) lines for \(receipt.lines.count)", field: "lines")
        }
        for (index, line) in priced.lines.enumerated() {
            guard line.discount >= 0, line.discount <= line.amount, line.amount >= 0 else {
                throw LedgerError(.invalidField, "pricing gave line \(index) a discount outside 0…amount", field: "lines[\(index)]")
            }
        }
        guard priced.pointsEarned >= 0, priced.pointsSpent >= 0 else {
            throw LedgerError(.invalidField, "pricing gave negative points", field: "payments")
        }
    }

    mutating func recordSale(_ sale: SaleRecord, seq: UInt64, at now: Timestamp, indexOnly: Bool) -> LedgerAnswer {
        var sale = sale
        sale.seq = seq
        receipts.insert(sale, seq: seq, day: now.localDay)
        if indexOnly { return .sale(sale) }
        // The spend per category as packing summed it: a customer's categories are looked up
        // once a category instead of once a line. Moved out of the index while the totals are
        // recorded, and back after (see `recordSale(_: JournaledSale, …)`).
        let strings = take(&receipts.strings, leaving: InternTable()), nets = take(&receipts.categoryNets, leaving: [])
        recordTotals(of: sale, at: now, subtotal: sale.subtotal, discount: sale.discount, lineCount: sale.lines.count,
                     categoryNets: nets, named: strings) { shift in
            for payment in sale.payments { shift.add(payment: payment) }
        }
        receipts.strings = consume strings
        receipts.categoryNets = consume nets
        return .sale(sale)
    }

    /// `recordSale(_: SaleRecord, …)` for a sale in its journal bytes (replay): the same
    /// changes, with the lines read from the bytes while they are packed.
    mutating func recordSale(_ sale: JournaledSale, indexOnly: Bool) {
        receipts.insert(sale, day: sale.at.localDay)
        if indexOnly { return }
        // Held apart from the index, so that the updates below may run while they are read:
        // moved out and put back rather than copied, which retained and released each of them
        // on every sale.
        let strings = take(&receipts.strings, leaving: InternTable()), ids = take(&receipts.saleStringIds, leaving: [])
        let nets = take(&receipts.categoryNets, leaving: [])
        recordTotals(of: sale, at: sale.at, subtotal: sale.subtotal, discount: sale.discount, lineCount: sale.lineCount,
                     categoryNets: nets, named: strings) { shift in
            sale.forEachPayment(named: { strings[ids[$0]] }) { shift.add(payment: $0) }
        }
        receipts.strings = consume strings
        receipts.saleStringIds = consume ids
        receipts.categoryNets = consume nets
    }

    /// What a sale recorded at server time `now` changes besides the receipt index, whichever
    /// form it comes in: its card's account (a visit on the till's day, the spend, the points,
    /// the spend per category of `nets`, numbered in `strings`), its terminal's open shift
    /// (`payments` adds the payments) and the ledger's totals.
    private mutating func recordTotals(of sale: some SaleHeader, at now: Timestamp, subtotal: Int64, discount: Int64, lineCount: Int,
                                       categoryNets nets: [CategoryNet], named strings: InternTable<String>,
                                       payments: (inout ShiftTotals) -> Void) {
        let total = subtotal - discount
        // Read once into locals, so that the closures below capture numbers and not the sale.
        let earned = sale.pointsEarned, spent = sale.pointsSpent, expired = sale.pointsExpired
        if let card = sale.customer {
            changes.customers.insert(card)
            let day = sale.closedAt.localDay
            let retention = limits.activityRetentionDays
            customers.update(card, addingSpend: nets, named: strings) { account in
                account.points += earned - spent - expired
                account.visits += 1
                account.lifetimeSpend += total
                account.firstVisitDay = min(account.firstVisitDay ?? day, day)
                account.lastVisitDay = max(account.lastVisitDay ?? day, day)
                account.record(day: day, visits: 1, spend: total, retentionDays: retention)
            }
        }
        updateOpenShift(sale.terminal, at: now) { shift in
            shift.receipts += 1
            shift.gross += subtotal
            shift.discounts += discount
            shift.sales += total
            payments(&shift)
            shift.pointsEarned += earned
            shift.pointsSpent += spent
        }
        stats.receipts += 1
        stats.lines += Int64(lineCount)
        stats.revenue += total
        stats.discounts += discount
        stats.pointsEarned += earned
        stats.pointsSpent += spent
        stats.pointsExpired += expired
    }

    /// Runs `body` on the terminal's open shift, opening one first if there is none.
    mutating func updateOpenShift(_ terminal: String, at now: Timestamp, _ body: (inout ShiftTotals) -> Void) {
        // In place: copying the state out and back would share the shift's payment totals and
        // copy them on the first write, once per sale.
        Ledger.updateOpen(&shifts[terminal, default: ShiftState()], terminal: terminal, at: now, body)
    }

    private static func updateOpen(_ state: inout ShiftState, terminal: String, at now: Timestamp,
                                   _ body: (inout ShiftTotals) -> Void) {
        // Matched, not compared with `==`: ShiftTotals is Equatable, and comparing the optional
        // with nil copied the open shift's totals out and compared them on every sale.
        if case .none = state.open {
            state.open = ShiftTotals(terminal: terminal, number: state.nextNumber, openedAt: now)
            state.nextNumber += 1
        }
        // Changed where it lies: copied out and back, the totals were copied twice through
        // their value witness and their payments retained and released.
        state.open?.update(body)
    }
}

/// The value `place` held, leaving `empty` there: moved out without a copy, so that holding
/// it costs no retain and putting it back no release.
@inline(__always)
private func take<Value>(_ place: inout Value, leaving empty: Value) -> Value {
    var value = empty
    swap(&value, &place)
    return value
}

extension ShiftTotals {
    /// Runs `body` on these totals in place (`Optional` chaining reaches them without a copy).
    mutating func update(_ body: (inout ShiftTotals) -> Void) { body(&self) }
}
