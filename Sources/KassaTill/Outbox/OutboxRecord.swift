/// One record of the lane's outbox journal: a kind byte, then the id (length-prefixed) and, for
/// sales and replacements, the request body.
enum OutboxRecord: Equatable {
    case sale(id: String, body: [UInt8])
    case replace(id: String, body: [UInt8])
    case sent(id: String)
    case printed(id: String)

    private enum Kind: UInt8 {
        case sale = 1, replace = 2, sent = 3, printed = 4
    }

    func encoded() -> [UInt8] {
        switch self {
        case .sale(let id, let body): Self.frame(.sale, id, body)
        case .replace(let id, let body): Self.frame(.replace, id, body)
        case .sent(let id): Self.frame(.sent, id, [])
        case .printed(let id): Self.frame(.printed, id, [])
        }
    }

    private static func frame(_ kind: Kind, _ id: String, _ body: [UInt8]) -> [UInt8] {
        let idBytes = Array(id.utf8)
        return [kind.rawValue, UInt8(idBytes.count)] + idBytes + body
    }

    /// Decodes a record the journal has checked (its checksum held); a record that still does
    /// not decode was written by something else and stops the lane rather than be guessed at.
    init(decoding payload: [UInt8]) throws {
        guard payload.count >= 2, let kind = Kind(rawValue: payload[0]), payload.count >= 2 + Int(payload[1]) else {
            throw OutboxError("an outbox record of \(payload.count) bytes does not decode (kind \(payload.first ?? 0)); the outbox was written by another program")
        }
        let idEnd = 2 + Int(payload[1])
        let id = String(decoding: payload[2..<idEnd], as: UTF8.self)
        let body = Array(payload[idEnd...])
        switch kind {
        case .sale: self = .sale(id: id, body: body)
        case .replace: self = .replace(id: id, body: body)
        case .sent: self = .sent(id: id)
        case .printed: self = .printed(id: id)
        }
    }
}
