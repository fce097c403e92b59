/// Request bodies in the contract's JSON, written straight to bytes: every text in them is
/// generated (digits, codes, category names) and needs no escaping, and the tool's time is taken
/// from the server it measures.
enum WireBody {
    static func sale(_ sale: SaleDraft, at: String, payment: Int64?) -> [UInt8] {
        var out = Bytes(capacity: 96 + sale.lines.count * 80)
        out.raw(#"{"id":""#); out.text(sale.id)
        out.raw(#"","store":""#); out.text(sale.store)
        out.raw(#"","terminal":""#); out.text(sale.terminal)
        out.raw(#"","cashier":""#); out.text(sale.cashier)
        out.raw(#"","at":""#); out.text(at)
        if let customer = sale.customer {
            out.raw(#"","customer":""#); out.text(customer)
        }
        out.raw(#"","lines":["#)
        for (index, line) in sale.lines.enumerated() {
            out.raw(index == 0 ? #"{"sku":""# : #",{"sku":""#); out.text(line.sku)
            out.raw(#"","qty":"#); out.qty(line.qty)
            out.raw(#","price":"#); out.int(line.price)
            out.raw(#","category":""#); out.text(line.category)
            out.raw(#""}"#)
        }
        out.raw("]")
        if let payment {
            out.raw(#","payments":[{"method":"card","amount":"#); out.int(payment)
            out.raw("}]")
        }
        out.raw("}")
        return out.bytes
    }

    static func saleReturn(_ draft: ReturnDraft, at: String) -> [UInt8] {
        var out = Bytes(capacity: 256)
        out.raw(#"{"id":""#); out.text(draft.id)
        out.raw(#"","sale":""#); out.text(draft.sale)
        out.raw(#"","store":""#); out.text(draft.store)
        out.raw(#"","terminal":""#); out.text(draft.terminal)
        out.raw(#"","cashier":""#); out.text(draft.cashier)
        out.raw(#"","at":""#); out.text(at)
        out.raw(#"","lines":["#)
        for (index, line) in draft.lines.enumerated() {
            out.raw(index == 0 ? #"{"sku":""# : #",{"sku":""#); out.text(line.sku)
            out.raw(#"","qty":"#); out.qty(line.qty)
            out.raw("}")
        }
        out.raw("]}")
        return out.bytes
    }

    static func void(_ draft: VoidDraft, at: String) -> [UInt8] {
        var out = Bytes(capacity: 192)
        out.raw(#"{"id":""#); out.text(draft.id)
        out.raw(#"","sale":""#); out.text(draft.sale)
        out.raw(#"","terminal":""#); out.text(draft.terminal)
        out.raw(#"","cashier":""#); out.text(draft.cashier)
        out.raw(#"","at":""#); out.text(at)
        out.raw(#"","reason":"customer changed their mind"}"#)
        return out.bytes
    }

    struct Bytes {
        var bytes: [UInt8] = []

        init(capacity: Int) {
            bytes.reserveCapacity(capacity)
        }

        mutating func raw(_ text: StaticString) {
            text.withUTF8Buffer { bytes.append(contentsOf: $0) }
        }

        mutating func text(_ text: String) {
            var text = text
            text.withUTF8 { bytes.append(contentsOf: $0) }
        }

        mutating func int(_ value: Int64) {
            if value < 0 {
                bytes.append(UInt8(ascii: "-"))
                // Two's complement: the magnitude of Int64.min fits UInt64.
                digits(UInt64(bitPattern: 0 &- value))
            } else {
                digits(UInt64(value))
            }
        }

        /// A quantity as the contract writes it: whole pieces as an integer, else up to 3 decimals.
        mutating func qty(_ thousandths: Int64) {
            int(thousandths / 1000)
            let fraction = thousandths % 1000
            guard fraction != 0 else { return }
            bytes.append(UInt8(ascii: "."))
            bytes.append(UInt8(truncatingIfNeeded: 0x30 + fraction / 100))
            if fraction % 100 != 0 {
                bytes.append(UInt8(truncatingIfNeeded: 0x30 + fraction / 10 % 10))
                if fraction % 10 != 0 { bytes.append(UInt8(truncatingIfNeeded: 0x30 + fraction % 10)) }
            }
        }

        private mutating func digits(_ value: UInt64) {
            var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)
            withUnsafeMutableBytes(of: &scratch) { buffer in
                var position = buffer.count
                var rest = value
                repeat {
                    position -= 1
                    buffer[position] = UInt8(truncatingIfNeeded: 0x30 + rest % 10)
                    rest /= 10
                } while rest > 0
                bytes.append(contentsOf: buffer[position...])
            }
        }
    }
}
