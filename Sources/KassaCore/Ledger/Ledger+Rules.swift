extension Ledger {
    /// Accepts a rules document the pricing engine finds valid; the same document again is a
    /// retry and changes nothing.
    func decideRules(_ change: RulesChange, at now: Timestamp, pricing: some SalePricing) throws(LedgerError) -> Decision {
        if let current = rules, current.document == change.document {
            return .duplicate(.rules(current))
        }
        guard change.document.utf8.count <= RulesChange.documentBytesMax else {
            throw LedgerError(.tooLarge, "the rules document is \(change.document.utf8.count) bytes; at most \(RulesChange.documentBytesMax) are accepted", field: "rules")
        }
        try requireLabel(change.by, field: "by", lengthMax: 200, allowEmpty: false)
        try pricing.validate(rules: change.document)
        let version = (rules?.version ?? 0) + 1
        return .record(.rulesReplaced(RulesRecord(version: version, document: change.document, by: change.by, at: now)))
    }

    mutating func recordRules(_ record: RulesRecord) -> LedgerAnswer {
        rules = record
        return .rules(record)
    }
}
