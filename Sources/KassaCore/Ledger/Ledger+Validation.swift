extension Ledger {
    /// Checks a receipt's fields against the limits. The service decodes strictly before this;
    /// the Ledger checks again because nothing unchecked may reach the journal. Field names
    /// (`lines[3].qty`) are autoclosures: they are built only for the message of a refusal.
    func validate(_ receipt: Receipt) throws(LedgerError) {
        try Ledger.validate(receipt, limits: limits)
    }

    /// `validate(_:)` without a Ledger: it reads nothing but the limits, so it can run on any
    /// thread (the group committer runs it on the submitting one).
    static func validate(_ receipt: Receipt, limits: LedgerLimits) throws(LedgerError) {
        try requireIdentifier(receipt.id, field: "id")
        try requireIdentifier(receipt.store, field: "store")
        try requireIdentifier(receipt.terminal, field: "terminal")
        try requireIdentifier(receipt.cashier, field: "cashier")
        guard !receipt.lines.isEmpty else {
            throw LedgerError(.invalidField, "a receipt needs at least one line", field: "lines")
        }
        guard receipt.lines.count <= limits.linesPerReceiptMax else {
            throw LedgerError(.tooManyLines, "a receipt may carry at most \(limits.linesPerReceiptMax) lines, this one has \(receipt.lines.count); split it", field: "lines")
        }
        for (index, line) in receipt.lines.enumerated() {
            try requireQuantity(line.qty, field: "lines[\(index)].qty")
            guard line.price >= 0, line.price <= limits.priceMax else {
                throw LedgerError(.invalidField, "price must be 0…\(limits.priceMax) minor units", field: "lines[\(index)].price")
            }
            if let category = line.category {
                try requireLabel(category, field: "lines[\(index)].category")
            }
        }
        guard receipt.payments.count <= limits.paymentsPerReceiptMax else {
            throw LedgerError(.invalidField, "a receipt may carry at most \(limits.paymentsPerReceiptMax) payments", field: "payments")
        }
        for (index, payment) in receipt.payments.enumerated() {
            guard payment.amount >= 0, payment.amount <= Ledger.receiptTotalMax else {
                throw LedgerError(.invalidField, "a payment amount must be 0…\(Ledger.receiptTotalMax) minor units", field: "payments[\(index)].amount")
            }
        }
        if let lane = receipt.lanePricing { try validate(lane, of: receipt) }
    }

    /// A lane's pricing gives every line a discount within its amount, from named rules, and
    /// takes no points (the lane cannot know the balance while the server is away).
    static func validate(_ lane: LanePricing, of receipt: Receipt) throws(LedgerError) {
        guard lane.lines.count == receipt.lines.count else {
            throw LedgerError(.invalidField, "offline pricing has \(lane.lines.count) lines for \(receipt.lines.count) receipt lines; give one per line, in order", field: "offline_pricing.lines")
        }
        for (index, line) in lane.lines.enumerated() {
            let amount = receipt.lines[index].qty.amount(price: receipt.lines[index].price) ?? 0
            guard line.discount >= 0, line.discount <= amount else {
                throw LedgerError(.invalidField, "a discount must be 0…\(amount) (the line's amount)", field: "offline_pricing.lines[\(index)].discount")
            }
            guard line.rules.count <= 16 else {
                throw LedgerError(.invalidField, "at most 16 rules a line", field: "offline_pricing.lines[\(index)].rules")
            }
            for rule in line.rules { try requireIdentifier(rule, field: "offline_pricing.lines[\(index)].rules") }
        }
        guard !receipt.payments.contains(where: { $0.method == .points }) else {
            throw LedgerError(.invalidField, "a receipt priced offline cannot be paid with points: the balance is only known to the server", field: "payments")
        }
    }

    func requireQuantity(_ qty: Quantity, field: @autoclosure () -> String) throws(LedgerError) {
        try Ledger.requireQuantity(qty, field: field())
    }

    static func requireQuantity(_ qty: Quantity, field: @autoclosure () -> String) throws(LedgerError) {
        guard qty.thousandths > 0 else {
            throw LedgerError(.invalidField, "qty must be greater than zero", field: field())
        }
        guard qty <= Quantity.lineMax else {
            throw LedgerError(.invalidField, "qty must be at most \(Quantity.lineMax)", field: field())
        }
    }

    func requireIdentifier(_ text: String, field: @autoclosure () -> String) throws(LedgerError) {
        try Ledger.requireIdentifier(text, field: field())
    }

    static func requireIdentifier(_ text: String, field: @autoclosure () -> String) throws(LedgerError) {
        guard Identifier.isValid(text) else {
            throw LedgerError(.invalidField, "must be 1–\(Identifier.lengthMax) printable ASCII characters without spaces or quotes", field: field())
        }
    }

    /// Free text shown to people (names, categories): bounded, and no control characters.
    func requireLabel(_ text: String, field: @autoclosure () -> String, lengthMax: Int = 64, allowEmpty: Bool = false) throws(LedgerError) {
        try Ledger.requireLabel(text, field: field(), lengthMax: lengthMax, allowEmpty: allowEmpty)
    }

    static func requireLabel(_ text: String, field: @autoclosure () -> String, lengthMax: Int = 64, allowEmpty: Bool = false) throws(LedgerError) {
        let count = text.utf8.count
        guard allowEmpty || count > 0, count <= lengthMax else {
            throw LedgerError(.invalidField, "must be \(allowEmpty ? 0 : 1)–\(lengthMax) bytes of text", field: field())
        }
        // A control character is one byte in UTF-8, and every byte of a longer character is 0x80
        // or above, so the bytes tell without decoding characters (a quote and its sale check
        // the category of every line).
        func isControl(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x7F }
        let clean = text.utf8.withContiguousStorageIfAvailable { !$0.contains(where: isControl) } ?? !text.utf8.contains(where: isControl)
        guard clean else {
            throw LedgerError(.invalidField, "must not contain control characters", field: field())
        }
    }
}

/// What can be known of a sale without the Ledger's state: its fingerprint and whether its fields
/// pass the checks. Computed on the submitting thread, it takes that work off the one writer.
public struct SalePrecheck: Sendable {
    /// `Fingerprint.of(receipt)`.
    let fingerprint: UInt64
    /// What `validate` found wrong, if anything.
    let problem: LedgerError?
    /// The pricing of a quote of this very basket, which the writer takes if the state it was
    /// priced on still holds.
    let quoted: QuotedPricing?
    /// The lines looked up in the catalog last published to the submitting thread, for the
    /// writer's pricing; nil when the sale takes its quote's pricing or was refused here.
    let lookup: CatalogLookup?

    /// The precheck of `receipt` under `limits`, with the pricing of the quote that came before
    /// it when that quote was of the same basket, and its lines looked up in `catalog` when the
    /// writer will price them.
    public init(_ receipt: Receipt, limits: LedgerLimits, quoted: QuotedPricing? = nil, catalog: Catalog? = nil) {
        fingerprint = Fingerprint.of(receipt)
        self.quoted = quoted.flatMap { $0.prices(receipt) ? $0 : nil }
        do {
            try Ledger.validate(receipt, limits: limits)
            problem = nil
        } catch {
            problem = error
        }
        if let catalog, self.quoted == nil, problem == nil {
            lookup = CatalogLookup(receipt.lines, in: catalog)
        } else {
            lookup = nil
        }
    }
}
