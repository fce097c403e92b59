/// Decodes journal payloads for replay on recovery's reading thread: a sale is packed for the
/// receipt index there (`JournaledSale`), every other event decoded as by
/// `LedgerEntryCodec.decode`. Keeps the memory it packs into from one sale to the next, so
/// reading the journal allocates next to nothing a record.
public struct ReplayDecoder {
    private var arena = PackedSaleArena(capacity: PackedSaleArena.bytesDefault)
    private var body = JournaledSale.Body()

    /// A decoder with nothing packed yet.
    public init() {}

    /// Decodes the payload journaled at `seq`; every byte must be consumed.
    public mutating func decode(seq: UInt64, payload: UnsafeRawBufferPointer) throws(DecodeError) -> ReplayEntry {
        guard payload.count >= 2, payload[1] == LedgerEntryCodec.saleTag else {
            return .decoded(try LedgerEntryCodec.decode(seq: seq, payload: payload))
        }
        var reader = BinaryReader(payload)
        let version = try reader.readByte()
        guard version == 1 || version == LedgerEntryCodec.version else { throw DecodeError("unknown entry format version \(version)", offset: 0) }
        _ = try reader.readByte()
        let at = try reader.readTimestamp()
        let sale = try JournaledSale(seq: seq, at: at, formatVersion: version, payload: payload, reader: &reader,
                                     arena: &arena, body: &body)
        guard reader.isAtEnd else { throw DecodeError("trailing bytes after the event", offset: reader.offset) }
        return .sale(sale)
    }
}

/// A journal entry on its way into `Ledger.replay`: decoded, or a sale already packed for the
/// receipt index (`JournaledSale`).
public enum ReplayEntry: Sendable {
    /// Any entry, decoded.
    case decoded(LedgerEntry)
    /// A sale, packed from its journal bytes.
    case sale(JournaledSale)

    /// The journal sequence number.
    public var seq: UInt64 {
        switch self {
        case .decoded(let entry): entry.seq
        case .sale(let sale): sale.seq
        }
    }
}
