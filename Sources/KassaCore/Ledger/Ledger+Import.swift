extension Ledger {
    /// The source recorded for a customer whose card first appeared in imported history.
    public static let importSource = "import"

    func decideImport(_ sale: ImportedSale) throws(LedgerError) -> Decision {
        if imports.contains(sale.importID, sale.ordinal) {
            return .duplicate(.saleImported(ordinal: sale.ordinal, enrolled: false))
        }
        try Ledger.validate(sale, limits: limits)
        var categories: [String] = []
        categories.reserveCapacity(sale.lines.count)
        for line in sale.lines { categories.append(catalog.category(of: line.sku) ?? "") }
        var enrolled: Customer?
        if let card = sale.customer, customers.pricingAccount(card) == nil {
            enrolled = Customer(card: card, source: Ledger.importSource, enrolledAt: sale.at)
        }
        return .record(.saleImported(ImportedSaleRecord(sale: sale, categories: categories, enrolled: enrolled)))
    }

    /// Checks an imported receipt's fields against the limits; reads nothing but them, so the
    /// importer and the service can run it before submitting anything. Field names are those of
    /// `POST /v1/imports/sales`.
    public static func validate(_ sale: ImportedSale, limits: LedgerLimits) throws(LedgerError) {
        try requireIdentifier(sale.importID, field: "import_id")
        guard sale.ordinal < UInt32.max else {
            throw LedgerError(.invalidField, "an import may hold at most \(UInt32.max) receipts", field: "ordinal")
        }
        try requireIdentifier(sale.id, field: "id")
        if !sale.store.isEmpty { try requireIdentifier(sale.store, field: "store") }
        if !sale.terminal.isEmpty { try requireIdentifier(sale.terminal, field: "terminal") }
        guard sale.total >= 0, sale.total <= Ledger.receiptTotalMax else {
            throw LedgerError(.invalidField, "total must be 0…\(Ledger.receiptTotalMax) minor units", field: "total")
        }
        guard sale.lines.count <= limits.linesPerReceiptMax else {
            throw LedgerError(.tooManyLines, "a receipt may carry at most \(limits.linesPerReceiptMax) lines, this one has \(sale.lines.count)", field: "lines")
        }
        guard !sale.lines.isEmpty else { return }
        var sum: Int64 = 0
        for (index, line) in sale.lines.enumerated() {
            try requireQuantity(line.qty, field: "lines[\(index)].qty")
            guard line.price >= 0, line.price <= limits.priceMax else {
                throw LedgerError(.invalidField, "price must be 0…\(limits.priceMax) minor units", field: "lines[\(index)].price")
            }
            guard let amount = line.amount, amount <= Ledger.receiptTotalMax else {
                throw LedgerError(.amountOverflow, "qty × price is beyond the largest accepted amount", field: "lines[\(index)]")
            }
            sum += amount
        }
        guard sum == sale.total else {
            throw LedgerError(.invalidField, "total is \(sale.total) but the lines' qty × price add up to \(sum)", field: "total")
        }
    }

    mutating func recordImport(_ record: ImportedSaleRecord, indexOnly: Bool) -> LedgerAnswer {
        let sale = record.sale
        let answer = LedgerAnswer.saleImported(ordinal: sale.ordinal, enrolled: record.enrolled != nil)
        // Imported receipts are not in the receipt index (they cannot be returned or voided, and
        // their ids are not checked against the tills'): the snapshot holds all they changed.
        if indexOnly { return answer }
        imports.insert(sale.importID, sale.ordinal)
        if let customer = record.enrolled {
            customers.insert(CustomerAccount(profile: customer))
            stats.customers += 1
            stats.importedCustomers += 1
        }
        if let card = sale.customer {
            changes.customers.insert(card)
            let day = sale.at.localDay
            let retention = limits.activityRetentionDays
            customers.update(card) { account in
                account.visits += 1
                account.lifetimeSpend += sale.total
                account.firstVisitDay = min(account.firstVisitDay ?? day, day)
                account.lastVisitDay = max(account.lastVisitDay ?? day, day)
                account.record(day: day, visits: 1, spend: sale.total, retentionDays: retention)
                for (line, category) in zip(sale.lines, record.categories) where !category.isEmpty {
                    let amount = line.amount ?? 0
                    if amount != 0 { account.record(category: category, spend: amount) }
                }
            }
        }
        let lines = Int64(sale.lines.count)
        stats.receipts += 1
        stats.lines += lines
        stats.revenue += sale.total
        stats.importedReceipts += 1
        stats.importedLines += lines
        stats.importedRevenue += sale.total
        return answer
    }
}
