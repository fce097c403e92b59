extension Ledger {
    /// Checks a basket the way a sale is checked, except that its id need not be new, and finds
    /// its customer (as pricing sees it: `CustomerTable.pricingAccount`): what a quote needs
    /// before pricing. A quote and the sale that follows on the
    /// same state therefore refuse the same baskets.
    public func checkBasket(_ receipt: Receipt) throws(LedgerError) -> CustomerAccount? {
        try validate(receipt)
        guard let card = receipt.customer else { return nil }
        guard let account = customers.pricingAccount(card) else {
            throw LedgerError(.unknownCustomer, "card \(card) is not enrolled; enrol it first or quote without a card", field: "customer")
        }
        return account
    }
}
