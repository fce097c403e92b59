extension Ledger {
    func decideVoid(_ request: SaleVoid) throws(LedgerError) -> Decision {
        let fingerprint = Fingerprint.of(request)
        if let existing = receipts.void(request.id) {
            guard existing.fingerprint == fingerprint else {
                throw LedgerError(.idConflict, "void \(request.id) was registered earlier with a different body; use a new id", field: "id")
            }
            return .duplicate(.void(existing))
        }
        try requireIdentifier(request.id, field: "id")
        try requireIdentifier(request.terminal, field: "terminal")
        try requireIdentifier(request.cashier, field: "cashier")
        try requireLabel(request.reason, field: "reason", lengthMax: 200, allowEmpty: true)
        guard let sale = receipts.sale(request.sale) else {
            throw LedgerError(.unknownSale, "sale \(request.sale) is unknown or older than the \(limits.receiptWindowDays) days kept for voids", field: "sale")
        }
        guard !sale.voided else {
            throw LedgerError(.saleVoided, "sale \(request.sale) was already voided", field: "sale")
        }
        guard !sale.hasReturns else {
            throw LedgerError(.saleHasReturns, "sale \(request.sale) has returns; return the remaining lines instead of voiding it", field: "sale")
        }
        let balance = sale.customer.flatMap { customers.account($0)?.points } ?? 0
        let spentBack = sale.pointsSpent
        let earnedBack = max(0, min(sale.pointsEarned, balance + spentBack))
        let record = VoidRecord(
            seq: lastSeq + 1, fingerprint: fingerprint, id: request.id, sale: request.sale, terminal: request.terminal,
            cashier: request.cashier, at: request.at, reason: request.reason, refund: sale.total,
            pointsEarnedReversed: earnedBack, pointsSpentRestored: spentBack,
            pointsBalanceAfter: sale.customer == nil ? 0 : balance + spentBack - earnedBack)
        return .record(.saleVoided(record))
    }

    mutating func recordVoid(_ record: VoidRecord, seq: UInt64, at now: Timestamp, indexOnly: Bool) -> LedgerAnswer {
        var record = record
        record.seq = seq
        var saleDay: Int32 = now.localDay
        var customer: CardNumber?
        var categories: [(String, Int64)] = []
        receipts.updateSale(record.sale) { sale in
            saleDay = sale.at.localDay
            customer = sale.customer
            for index in sale.lines.indices {
                categories.append((sale.lines[index].priced.category, sale.lines[index].priced.net - sale.lines[index].refunded))
                sale.lines[index].returnedQty = sale.lines[index].line.qty
                sale.lines[index].refunded = sale.lines[index].priced.net
            }
            sale.voided = true
            sale.pointsEarnedReversed += record.pointsEarnedReversed
            sale.pointsSpentRestored += record.pointsSpentRestored
        }
        receipts.insert(record, seq: seq, day: now.localDay)
        if indexOnly { return .void(record) }
        if let card = customer {
            takeBack(card: card, day: saleDay, refund: record.refund, visit: true,
                     earned: record.pointsEarnedReversed, spent: record.pointsSpentRestored, categories: categories)
        }
        updateOpenShift(record.terminal, at: now) { shift in
            shift.voids += 1
            shift.voidsTotal += record.refund
            shift.pointsEarned -= record.pointsEarnedReversed
            shift.pointsSpent -= record.pointsSpentRestored
        }
        stats.voids += 1
        stats.revenue -= record.refund
        stats.pointsEarned -= record.pointsEarnedReversed
        stats.pointsSpent -= record.pointsSpentRestored
        return .void(record)
    }
}
