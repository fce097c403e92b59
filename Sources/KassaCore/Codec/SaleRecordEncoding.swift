// A registered sale's journal encoding written by index into a buffer bounded beforehand.
//
// Every sale passes through here on the writer thread. Written field by field through
// `BinaryWriter`, each varint and string paid an array append with its capacity and uniqueness
// checks (about a fifth of the writer's time per sale in the durable commit benchmark); here the
// bound is computed once, the bytes are written by index, and the buffer is trimmed once.

extension SaleRecord {
    /// An upper bound on the bytes of this sale's journal encoding: every varint at its longest.
    var journalBytesMax: Int {
        let varint = FixedBufferWriter.varintBytesMax
        // Fingerprint; id, store, terminal and cashier counts; time; card presence, value and
        // digits; line and payment counts; five point and version varints, tier presence and
        // count.
        var bound = 8 + 4 * varint + 2 * varint + 3 + varint + 2 * varint + 5 * varint + 1 + varint
        bound += id.utf8.count + store.utf8.count + terminal.utf8.count + cashier.utf8.count
        if let tier { bound += tier.utf8.count }
        for index in payments.indices {
            bound += 2 * varint + payments[index].method.description.utf8.count
        }
        lines.withUnsafeBufferPointer { lines in
            for index in lines.indices {
                let line = lines[index]
                // SKU count, qty, price, category presence and count; amount, discount, rule
                // count, priced category count; each rule's count.
                bound += 4 * varint + 1 + 4 * varint + line.line.sku.code.utf8.count
                if let category = line.line.category { bound += category.utf8.count }
                bound += line.priced.category.utf8.count
                for rule in line.priced.rules { bound += varint + rule.utf8.count }
            }
        }
        return bound
    }
}

extension LedgerEntryCodec {
    /// An upper bound on the bytes `encode(entry)` writes, found without encoding it, for a
    /// sale: the group committer reserves journal room for a sale with it and leaves the
    /// encoding to its appending thread. Nil for other entries, which it encodes itself.
    public static func payloadBytesMax(_ entry: LedgerEntry) -> Int? {
        guard case .saleRegistered(let sale) = entry.event else { return nil }
        // Version and tag bytes, the time's two varints, then the sale.
        return 2 + 2 * FixedBufferWriter.varintBytesMax + sale.journalBytesMax
    }
}

extension FixedBufferWriter {
    /// A sale as registered: the bytes `BinaryWriter.write(_: SaleRecord)` stands for.
    mutating func write(_ s: SaleRecord) {
        writeFixed(s.fingerprint)
        write(s.id); write(s.store); write(s.terminal); write(s.cashier); write(s.at)
        if let card = s.customer {
            write(1 as UInt8)
            writeVarint(card.value)
            write(card.digits)
        } else {
            write(0 as UInt8)
        }
        writeVarint(UInt64(s.lines.count))
        // Read where they lie: iterating copies every line, retaining its strings.
        s.lines.withUnsafeBufferPointer { lines in
            for index in lines.indices {
                write(lines[index].line.sku.code)
                writeVarint(lines[index].line.qty.thousandths)
                writeVarint(lines[index].line.price)
                if let category = lines[index].line.category {
                    write(1 as UInt8)
                    write(category)
                } else {
                    write(0 as UInt8)
                }
                writeVarint(lines[index].priced.amount)
                writeVarint(lines[index].priced.discount)
                writeVarint(UInt64(lines[index].priced.rules.count))
                for rule in lines[index].priced.rules { write(rule) }
                write(lines[index].priced.category)
            }
        }
        writeVarint(UInt64(s.payments.count))
        for index in s.payments.indices {
            write(s.payments[index].method.description)
            writeVarint(s.payments[index].amount)
        }
        writeVarint(s.pointsEarned); writeVarint(s.pointsSpent); writeVarint(s.pointsBalanceAfter)
        if let tier = s.tier {
            write(1 as UInt8)
            write(tier)
        } else {
            write(0 as UInt8)
        }
        writeVarint(UInt64(s.rulesVersion))
        writeVarint(s.pointsExpired)
    }
}
