extension Ledger {
    /// Checks a basket the way a sale is checked, except that its id need not be new, and finds
    /// its customer (as pricing sees it: `CustomerTable.pricingAccount`): what a quote needs
    /// before pricing. A quote and the sale that follows on the
    /// same state therefore refuse the same baskets.
    public func checkBasket(_ receipt: Receipt) throws(LedgerError) -> CustomerAccount? {
        // Looked up first, though needed only after the checks (as a sale does): the card's
        // record is nearly always a read from memory, which then waits while the lines are
        // checked instead of after them.
        let found = receipt.customer.map { customers.pricingAccount($0) }
        try validate(receipt)
        guard let card = receipt.customer else { return nil }
        guard let account = found ?? nil else {
            throw LedgerError(.unknownCustomer, "card \(card) is not enrolled; enrol it first or quote without a card", field: "customer")
        }
        return account
    }
}
