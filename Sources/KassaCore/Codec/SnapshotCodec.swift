// Encodings used by snapshots only: a customer's full account and a terminal's shift state.

extension BinaryWriter {
    /// A customer account: profile, aggregates, daily activity and category spend.
    public mutating func write(_ a: CustomerAccount) {
        write(a.profile)
        writeVarint(a.points); writeVarint(Int64(a.visits)); writeVarint(a.lifetimeSpend)
        write(a.firstVisitDay) { $0.writeVarint(Int64($1)) }
        write(a.lastVisitDay) { $0.writeVarint(Int64($1)) }
        write(a.recentDays) { w, d in w.writeVarint(Int64(d.day)); w.writeVarint(Int64(d.visits)); w.writeVarint(d.spend) }
        write(a.categorySpend) { w, c in w.write(c.category); w.writeVarint(c.spend) }
    }

    /// Shift totals.
    public mutating func write(_ s: ShiftTotals) {
        write(s.terminal); writeVarint(s.number); write(s.openedAt)
        write(s.closedAt) { $0.write($1) }
        for value in [s.receipts, s.gross, s.discounts, s.sales] { writeVarint(value) }
        write(s.payments) { w, p in w.write(p.method); w.writeVarint(p.amount) }
        for value in [s.returns, s.returnsTotal, s.voids, s.voidsTotal, s.pointsEarned, s.pointsSpent] { writeVarint(value) }
    }

    /// A terminal's shift state.
    public mutating func write(_ s: ShiftState) {
        write(s.open) { $0.write($1) }
        write(s.lastClosed) { $0.write($1) }
        writeVarint(s.nextNumber)
    }

    /// Ledger totals.
    public mutating func write(_ s: LedgerStats) {
        for value in [s.receipts, s.lines, s.returns, s.voids, s.revenue, s.discounts, s.pointsEarned, s.pointsSpent, s.customers, s.pointsExpired,
                      s.importedReceipts, s.importedLines, s.importedRevenue, s.importedCustomers] {
            writeVarint(value)
        }
    }
}

extension BinaryReader {
    /// A customer account.
    public mutating func readCustomerAccount() throws(DecodeError) -> CustomerAccount {
        var account = CustomerAccount(profile: try readCustomer())
        account.points = try readSignedVarint()
        account.visits = try readInt32()
        account.lifetimeSpend = try readSignedVarint()
        account.firstVisitDay = try readOptional { (r: inout BinaryReader) throws(DecodeError) in try r.readInt32() }
        account.lastVisitDay = try readOptional { (r: inout BinaryReader) throws(DecodeError) in try r.readInt32() }
        account.recentDays = try readArray { (r: inout BinaryReader) throws(DecodeError) in
            DayActivity(day: try r.readInt32(), visits: try r.readInt32(), spend: try r.readSignedVarint())
        }
        account.categorySpend = try readArray { (r: inout BinaryReader) throws(DecodeError) in
            CategorySpend(category: try r.readString(), spend: try r.readSignedVarint())
        }
        return account
    }

    /// Shift totals.
    public mutating func readShiftTotals() throws(DecodeError) -> ShiftTotals {
        var s = ShiftTotals(terminal: try readString(), number: try readSignedVarint(), openedAt: try readTimestamp())
        s.closedAt = try readOptional { (r: inout BinaryReader) throws(DecodeError) in try r.readTimestamp() }
        s.receipts = try readSignedVarint(); s.gross = try readSignedVarint()
        s.discounts = try readSignedVarint(); s.sales = try readSignedVarint()
        s.payments = try readArray { (r: inout BinaryReader) throws(DecodeError) in
            PaymentTotal(method: try r.readString(), amount: try r.readSignedVarint())
        }
        s.returns = try readSignedVarint(); s.returnsTotal = try readSignedVarint()
        s.voids = try readSignedVarint(); s.voidsTotal = try readSignedVarint()
        s.pointsEarned = try readSignedVarint(); s.pointsSpent = try readSignedVarint()
        return s
    }

    /// A terminal's shift state.
    public mutating func readShiftState() throws(DecodeError) -> ShiftState {
        var state = ShiftState()
        state.open = try readOptional { (r: inout BinaryReader) throws(DecodeError) in try r.readShiftTotals() }
        state.lastClosed = try readOptional { (r: inout BinaryReader) throws(DecodeError) in try r.readShiftTotals() }
        state.nextNumber = try readSignedVarint()
        return state
    }

    /// Ledger totals.
    public mutating func readStats() throws(DecodeError) -> LedgerStats {
        var s = LedgerStats()
        s.receipts = try readSignedVarint(); s.lines = try readSignedVarint(); s.returns = try readSignedVarint()
        s.voids = try readSignedVarint(); s.revenue = try readSignedVarint(); s.discounts = try readSignedVarint()
        s.pointsEarned = try readSignedVarint(); s.pointsSpent = try readSignedVarint(); s.customers = try readSignedVarint()
        // Added with loyalty rules; snapshots written before it end here.
        if !isAtEnd { s.pointsExpired = try readSignedVarint() }
        // Added with `kassa import sales`; snapshots written before it end here.
        if !isAtEnd {
            s.importedReceipts = try readSignedVarint(); s.importedLines = try readSignedVarint()
            s.importedRevenue = try readSignedVarint(); s.importedCustomers = try readSignedVarint()
        }
        return s
    }
}
