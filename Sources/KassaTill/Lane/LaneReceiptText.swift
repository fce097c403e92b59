import KassaCore

/// A receipt as plain text lines, for a lane without a printer (and for the log).
enum LaneReceiptText {
    static func lines(_ receipt: LaneReceipt) -> [String] {
        var out = ["\(receipt.store) \(receipt.terminal) \(receipt.time)", "receipt \(receipt.id)"]
        for line in receipt.lines {
            out.append("\(line.name) \(Quantity(thousandths: line.qtyThousandths)) × \(Money.decimalText(line.price)) = \(Money.decimalText(line.amount))")
            if line.discount > 0 { out.append("  discount \(Money.decimalText(line.discount)) (\(line.rules.joined(separator: ", ")))") }
        }
        out.append("subtotal \(Money.decimalText(receipt.subtotal))")
        if receipt.discount > 0 { out.append("discount \(Money.decimalText(receipt.discount))") }
        out.append("total \(Money.decimalText(receipt.total))")
        for payment in receipt.payments { out.append("\(payment.method.rawValue) \(Money.decimalText(payment.amount))") }
        if receipt.change > 0 { out.append("change \(Money.decimalText(receipt.change))") }
        if let card = receipt.card { out.append("card \(card)") }
        if let earned = receipt.pointsEarned { out.append("points earned \(earned)") }
        if receipt.offline { out.append("registered offline") }
        return out
    }
}
