import NIOCore

/// Request bodies in the contract's JSON, written straight into the request's buffer: every text
/// in them is generated (digits, codes, category names) and needs no escaping, and the tool's
/// time is taken from the server it measures. Each body reserves room for its longest form once
/// and is then written through a pointer, not appended field by field.
enum WireBody {
    static func sale(_ sale: SaleDraft, at: String, payment: Int64?, into buffer: inout ByteBuffer) {
        var room = 160 + sale.id.utf8.count + sale.store.utf8.count + sale.terminal.utf8.count + sale.cashier.utf8.count
            + at.utf8.count + (sale.customer?.utf8.count ?? 0)
        for line in sale.lines { room += 56 + 2 * Bytes.integerDigitsMax + line.sku.utf8.count + line.category.utf8.count }
        Bytes.write(into: &buffer, room: room) { out in
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
        }
    }

    /// A sale's body from its quote's (the same basket at the same time, without payment): the
    /// same bytes as `sale(_:at:payment:into:)` gives, with one copy instead of every line written again.
    static func sale(quoted: ByteBuffer, payment: Int64?, into buffer: inout ByteBuffer) {
        var lines = quoted
        // The quote's body ends with the object's closing brace; the payment goes before it.
        precondition(lines.readableBytes > 0 && lines.getInteger(at: lines.writerIndex - 1, as: UInt8.self) == UInt8(ascii: "}"),
                     "a quote's body that does not end its object")
        lines.moveWriterIndex(to: lines.writerIndex - 1)
        buffer.writeBuffer(&lines)
        Bytes.write(into: &buffer, room: 64) { out in
            if let payment {
                out.raw(#","payments":[{"method":"card","amount":"#); out.int(payment)
                out.raw("}]")
            }
            out.raw("}")
        }
    }

    static func saleReturn(_ draft: ReturnDraft, at: String, into buffer: inout ByteBuffer) {
        var room = 160 + draft.id.utf8.count + draft.sale.utf8.count + draft.store.utf8.count + draft.terminal.utf8.count
            + draft.cashier.utf8.count + at.utf8.count
        for line in draft.lines { room += 24 + Bytes.integerDigitsMax + line.sku.utf8.count }
        Bytes.write(into: &buffer, room: room) { out in
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
        }
    }

    static func void(_ draft: VoidDraft, at: String, into buffer: inout ByteBuffer) {
        let room = 160 + draft.id.utf8.count + draft.sale.utf8.count + draft.terminal.utf8.count + draft.cashier.utf8.count + at.utf8.count
        Bytes.write(into: &buffer, room: room) { out in
            out.raw(#"{"id":""#); out.text(draft.id)
            out.raw(#"","sale":""#); out.text(draft.sale)
            out.raw(#"","terminal":""#); out.text(draft.terminal)
            out.raw(#"","cashier":""#); out.text(draft.cashier)
            out.raw(#"","at":""#); out.text(at)
            out.raw(#"","reason":"customer changed their mind"}"#)
        }
    }

    /// A body on its own, as bytes: for the tests.
    static func bytes(_ write: (inout ByteBuffer) -> Void) -> [UInt8] {
        var buffer = ByteBuffer()
        write(&buffer)
        return Array(buffer.readableBytesView)
    }

    /// A body being written into room reserved for it. Every write checks the room left: the
    /// room is computed from the same fields, and running past it would write outside the
    /// buffer's memory.
    struct Bytes {
        /// The longest integer: a sign and 19 digits.
        static let integerDigitsMax = 20

        private let memory: UnsafeMutableRawBufferPointer
        private(set) var count = 0

        /// Reserves `room` bytes at the end of `buffer`, lets `body` write into them, and keeps
        /// what it wrote.
        static func write(into buffer: inout ByteBuffer, room: Int, _ body: (inout Bytes) -> Void) {
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: room) { memory in
                var out = Bytes(memory: UnsafeMutableRawBufferPointer(rebasing: memory[..<room]))
                body(&out)
                return out.count
            }
        }

        private init(memory: UnsafeMutableRawBufferPointer) {
            self.memory = memory
        }

        private mutating func append(_ byte: UInt8) {
            precondition(count < memory.count, "a request body outgrew the room reserved for it")
            memory[count] = byte
            count += 1
        }

        private mutating func append(_ bytes: UnsafeRawBufferPointer) {
            precondition(bytes.count <= memory.count - count, "a request body outgrew the room reserved for it")
            guard let source = bytes.baseAddress, let base = memory.baseAddress else { return }
            let length = bytes.count, target = base + count
            // Most pieces are 4 to 16 bytes (keys, SKUs, categories): two loads and stores that
            // overlap cost less than a byte loop or a call to memmove.
            switch length {
            case 8...16:
                target.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
                (target + length - 8).storeBytes(of: source.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self), as: UInt64.self)
            case 4..<8:
                target.storeBytes(of: source.loadUnaligned(as: UInt32.self), as: UInt32.self)
                (target + length - 4).storeBytes(of: source.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self), as: UInt32.self)
            case 0..<4:
                for offset in 0..<length { target.storeBytes(of: source.load(fromByteOffset: offset, as: UInt8.self), toByteOffset: offset, as: UInt8.self) }
            default:
                target.copyMemory(from: source, byteCount: length)
            }
            count += length
        }

        mutating func raw(_ text: StaticString) {
            text.withUTF8Buffer { append(UnsafeRawBufferPointer($0)) }
        }

        mutating func text(_ text: String) {
            var text = text
            text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
        }

        mutating func int(_ value: Int64) {
            if value < 0 {
                append(UInt8(ascii: "-"))
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
            append(UInt8(ascii: "."))
            append(UInt8(truncatingIfNeeded: 0x30 + fraction / 100))
            if fraction % 100 != 0 {
                append(UInt8(truncatingIfNeeded: 0x30 + fraction / 10 % 10))
                if fraction % 10 != 0 { append(UInt8(truncatingIfNeeded: 0x30 + fraction % 10)) }
            }
        }

        private mutating func digits(_ value: UInt64) {
            var length = 1
            var rest = value
            while rest >= 10 {
                rest /= 10
                length += 1
            }
            precondition(length <= memory.count - count, "a request body outgrew the room reserved for it")
            rest = value
            for position in stride(from: count + length - 1, through: count, by: -1) {
                memory[position] = UInt8(truncatingIfNeeded: 0x30 + rest % 10)
                rest /= 10
            }
            count += length
        }
    }
}
