extension Ledger {
    func decideReturn(_ request: SaleReturn) throws(LedgerError) -> Decision {
        let fingerprint = Fingerprint.of(request)
        if let existing = receipts.saleReturn(request.id) {
            guard existing.fingerprint == fingerprint else {
                throw LedgerError(.idConflict, "return \(request.id) was registered earlier with a different body; use a new id", field: "id")
            }
            return .duplicate(.saleReturn(existing))
        }
        try requireIdentifier(request.id, field: "id")
        try requireIdentifier(request.store, field: "store")
        try requireIdentifier(request.terminal, field: "terminal")
        try requireIdentifier(request.cashier, field: "cashier")
        guard !request.lines.isEmpty, request.lines.count <= limits.linesPerReceiptMax else {
            throw LedgerError(.invalidField, "a return needs 1–\(limits.linesPerReceiptMax) lines", field: "lines")
        }
        guard let sale = receipts.sale(request.sale) else {
            throw LedgerError(.unknownSale, "sale \(request.sale) is unknown or older than the \(limits.receiptWindowDays) days kept for returns", field: "sale")
        }
        guard !sale.voided else {
            throw LedgerError(.saleVoided, "sale \(request.sale) was voided; nothing is left to return", field: "sale")
        }
        let allocated = try allocate(request.lines, against: sale)
        let refund = allocated.reduce(Int64(0)) { $0 + $1.refund }
        var remaining = sale.lines.map(\.remainingQty.thousandths)
        for line in allocated { remaining[line.saleLine] -= line.qty.thousandths }
        let completes = remaining.allSatisfy { $0 == 0 }
        let earnedLeft = sale.pointsEarned - sale.pointsEarnedReversed
        let spentLeft = sale.pointsSpent - sale.pointsSpentRestored
        let total = sale.total
        var earnedBack = completes ? earnedLeft : (total == 0 ? 0 : min(earnedLeft, Rounding.scale(sale.pointsEarned, by: refund, dividedBy: total) ?? earnedLeft))
        let spentBack = completes ? spentLeft : (total == 0 ? 0 : min(spentLeft, Rounding.scale(sale.pointsSpent, by: refund, dividedBy: total) ?? spentLeft))
        let balance = sale.customer.flatMap { customers.account($0)?.points } ?? 0
        // Points already spent elsewhere cannot be taken back below zero: the balance never goes
        // negative, the shortfall stays with the customer.
        earnedBack = max(0, min(earnedBack, balance + spentBack))
        let record = ReturnRecord(
            seq: lastSeq + 1, fingerprint: fingerprint, id: request.id, sale: request.sale, store: request.store,
            terminal: request.terminal, cashier: request.cashier, at: request.at, lines: allocated,
            pointsEarnedReversed: earnedBack, pointsSpentRestored: spentBack, completesSale: completes,
            pointsBalanceAfter: sale.customer == nil ? 0 : balance + spentBack - earnedBack)
        return .record(.returnRegistered(record))
    }

    /// Ties each returned quantity to sale lines with the same SKU, first line first, and prices
    /// the refund: proportional and half-up for part of a line, the exact remainder for the rest
    /// of it, so that returning everything refunds exactly what was paid.
    private func allocate(_ lines: [ReturnLine], against sale: SaleRecord) throws(LedgerError) -> [ReturnedLine] {
        var remaining = sale.lines.map(\.remainingQty.thousandths)
        var refunded = sale.lines.map(\.refunded)
        var result: [ReturnedLine] = []
        for (index, line) in lines.enumerated() {
            try requireQuantity(line.qty, field: "lines[\(index)].qty")
            var wanted = line.qty.thousandths
            var found = false
            for saleIndex in sale.lines.indices where sale.lines[saleIndex].line.sku == line.sku && wanted > 0 {
                found = true
                let take = min(wanted, remaining[saleIndex])
                guard take > 0 else { continue }
                let sold = sale.lines[saleIndex]
                remaining[saleIndex] -= take
                let refund: Int64
                if remaining[saleIndex] == 0 {
                    refund = sold.priced.net - refunded[saleIndex]
                } else {
                    let share = Rounding.scale(sold.priced.net, by: take, dividedBy: sold.line.qty.thousandths) ?? 0
                    refund = min(share, sold.priced.net - refunded[saleIndex])
                }
                refunded[saleIndex] += refund
                result.append(ReturnedLine(saleLine: saleIndex, sku: line.sku, qty: Quantity(thousandths: take), refund: refund))
                wanted -= take
            }
            guard found else {
                throw LedgerError(.returnExceedsSale, "\(line.sku) was not sold on \(sale.id)", field: "lines[\(index)].sku")
            }
            guard wanted == 0 else {
                let left = Quantity(thousandths: line.qty.thousandths - wanted)
                throw LedgerError(.returnExceedsSale, "only \(left) of \(line.sku) is left to return on \(sale.id)", field: "lines[\(index)].qty")
            }
        }
        return result
    }

    mutating func recordReturn(_ record: ReturnRecord, seq: UInt64, at now: Timestamp, indexOnly: Bool) -> LedgerAnswer {
        var record = record
        record.seq = seq
        var saleDay: Int32 = now.localDay
        var customer: CardNumber?
        var categories: [(String, Int64)] = []
        receipts.updateSale(record.sale) { sale in
            saleDay = sale.at.localDay
            customer = sale.customer
            for line in record.lines {
                sale.lines[line.saleLine].returnedQty.thousandths += line.qty.thousandths
                sale.lines[line.saleLine].refunded += line.refund
                categories.append((sale.lines[line.saleLine].priced.category, line.refund))
            }
            sale.pointsEarnedReversed += record.pointsEarnedReversed
            sale.pointsSpentRestored += record.pointsSpentRestored
        }
        receipts.insert(record, seq: seq, day: now.localDay)
        if indexOnly { return .saleReturn(record) }
        let refund = record.refund
        if let card = customer {
            takeBack(card: card, day: saleDay, refund: refund, visit: record.completesSale,
                     earned: record.pointsEarnedReversed, spent: record.pointsSpentRestored, categories: categories)
        }
        updateOpenShift(record.terminal, at: now) { shift in
            shift.returns += 1
            shift.returnsTotal += refund
            shift.pointsEarned -= record.pointsEarnedReversed
            shift.pointsSpent -= record.pointsSpentRestored
        }
        stats.returns += 1
        stats.revenue -= refund
        stats.pointsEarned -= record.pointsEarnedReversed
        stats.pointsSpent -= record.pointsSpentRestored
        return .saleReturn(record)
    }

    /// Reverses a customer's aggregates for money that came back: spend on the sale's day and
    /// categories, the visit when the whole sale is gone, and the points.
    mutating func takeBack(card: CardNumber, day: Int32, refund: Int64, visit: Bool, earned: Int64, spent: Int64,
                           categories: [(String, Int64)]) {
        let retention = limits.activityRetentionDays
        changes.customers.insert(card)
        customers.update(card) { account in
            account.points += spent - earned
            account.lifetimeSpend -= refund
            if visit { account.visits -= 1 }
            account.record(day: day, visits: visit ? -1 : 0, spend: -refund, retentionDays: retention)
            for (category, amount) in categories where amount != 0 {
                account.record(category: category, spend: -amount)
            }
        }
    }
}
