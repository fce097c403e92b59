import Foundation

/// What the outbox keeps of a sale: the request body sent to the server and the receipt as it
/// was (or will be) printed, so a lane restarted after a crash can print what it had not.
struct OutboxPayload {
    var request: [UInt8]
    var receipt: LaneReceipt

    func encoded() throws -> [UInt8] {
        let count = UInt32(request.count)
        let receiptBytes = try JSONEncoder().encode(receipt)
        return withUnsafeBytes(of: count.littleEndian) { Array($0) } + request + Array(receiptBytes)
    }

    init(request: [UInt8], receipt: LaneReceipt) {
        self.request = request
        self.receipt = receipt
    }

    init(decoding bytes: [UInt8]) throws {
        guard bytes.count >= 4 else { throw OutboxError("an outbox sale of \(bytes.count) bytes is too short to hold a request") }
        let count = Int(UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24)
        guard bytes.count >= 4 + count else { throw OutboxError("an outbox sale says its request has \(count) bytes, it holds \(bytes.count - 4)") }
        request = Array(bytes[4..<(4 + count)])
        receipt = try JSONDecoder().decode(LaneReceipt.self, from: Data(bytes[(4 + count)...]))
    }
}
