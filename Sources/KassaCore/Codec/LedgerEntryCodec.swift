/// Encodes Ledger entries as journal payloads and decodes them back.
///
/// A payload is `[format version][event tag][server time][event body]`; the sequence number
/// lives in the journal's record frame, not in the payload.
public enum LedgerEntryCodec {
    /// The payload format version written now. Version 2 added the expired points of a sale;
    /// version 1 payloads still decode (with none expired).
    public static let version: UInt8 = 2

    /// The tag byte of a sale's payload (after the version byte).
    public static var saleTag: UInt8 { Tag.saleRegistered.rawValue }

    private enum Tag: UInt8 {
        case customerEnrolled = 1, saleRegistered, returnRegistered, saleVoided, productsUpserted, shiftOpened, shiftClosed, audited
        case rulesReplaced
        case saleImported
    }

    /// Appends the payload of `entry` to `writer`.
    public static func encode(_ entry: LedgerEntry, into writer: inout BinaryWriter) {
        writer.write(version)
        switch entry.event {
        case .customerEnrolled(let c): writer.write(Tag.customerEnrolled.rawValue); writer.write(entry.at); writer.write(c)
        case .saleRegistered(let s): writer.write(Tag.saleRegistered.rawValue); writer.write(entry.at); writer.write(s)
        case .returnRegistered(let r): writer.write(Tag.returnRegistered.rawValue); writer.write(entry.at); writer.write(r)
        case .saleVoided(let v): writer.write(Tag.saleVoided.rawValue); writer.write(entry.at); writer.write(v)
        case .productsUpserted(let p):
            writer.write(Tag.productsUpserted.rawValue); writer.write(entry.at); writer.write(p) { $0.write($1) }
        case .shiftOpened(let t): writer.write(Tag.shiftOpened.rawValue); writer.write(entry.at); writer.write(t)
        case .shiftClosed(let t): writer.write(Tag.shiftClosed.rawValue); writer.write(entry.at); writer.write(t)
        case .audited(let a):
            writer.write(Tag.audited.rawValue); writer.write(entry.at)
            writer.write(a.actor); writer.write(a.role); writer.write(a.action); writer.write(a.subject)
        case .rulesReplaced(let r):
            writer.write(Tag.rulesReplaced.rawValue); writer.write(entry.at)
            writer.writeVarint(UInt64(r.version)); writer.write(r.document); writer.write(r.by)
        case .saleImported(let r): writer.write(Tag.saleImported.rawValue); writer.write(entry.at); writer.write(r)
        }
    }

    /// The payload of `entry` as bytes.
    public static func encode(_ entry: LedgerEntry) -> [UInt8] {
        var writer = BinaryWriter()
        encode(entry, into: &writer)
        return writer.bytes
    }

    /// Decodes a payload journaled at `seq`; every byte must be consumed.
    public static func decode(seq: UInt64, payload: UnsafeRawBufferPointer) throws(DecodeError) -> LedgerEntry {
        var reader = BinaryReader(payload)
        let version = try reader.readByte()
        guard version == 1 || version == LedgerEntryCodec.version else { throw DecodeError("unknown entry format version \(version)", offset: 0) }
        let rawTag = try reader.readByte()
        guard let tag = Tag(rawValue: rawTag) else { throw DecodeError("unknown event tag \(rawTag)", offset: 1) }
        let at = try reader.readTimestamp()
        let event: LedgerEvent
        switch tag {
        case .customerEnrolled: event = .customerEnrolled(try reader.readCustomer())
        case .saleRegistered: event = .saleRegistered(try reader.readSaleRecord(seq: seq, formatVersion: version))
        case .returnRegistered: event = .returnRegistered(try reader.readReturnRecord(seq: seq))
        case .saleVoided: event = .saleVoided(try reader.readVoidRecord(seq: seq))
        case .productsUpserted: event = .productsUpserted(try reader.readArray { (r: inout BinaryReader) throws(DecodeError) in try r.readProduct() })
        case .shiftOpened: event = .shiftOpened(terminal: try reader.readString())
        case .shiftClosed: event = .shiftClosed(terminal: try reader.readString())
        case .audited:
            event = .audited(AuditRecord(actor: try reader.readString(), role: try reader.readString(),
                                         action: try reader.readString(), subject: try reader.readString()))
        case .rulesReplaced:
            let number = try reader.readVarint()
            guard let version = UInt32(exactly: number), version > 0 else { throw DecodeError("rules version out of range", offset: reader.offset) }
            event = .rulesReplaced(RulesRecord(version: version, document: try reader.readString(), by: try reader.readString(), at: at))
        case .saleImported: event = .saleImported(try reader.readImportedSaleRecord())
        }
        guard reader.isAtEnd else { throw DecodeError("trailing bytes after the event", offset: reader.offset) }
        return LedgerEntry(seq: seq, at: at, event: event)
    }

    /// Decodes a payload journaled at `seq` for replay (`ReplayDecoder`, which recovery keeps
    /// from one record to the next).
    public static func decodeForReplay(seq: UInt64, payload: UnsafeRawBufferPointer) throws(DecodeError) -> ReplayEntry {
        var decoder = ReplayDecoder()
        return try decoder.decode(seq: seq, payload: payload)
    }

    /// `decodeForReplay` of a payload held in an array.
    public static func decodeForReplay(seq: UInt64, payload: [UInt8]) throws(DecodeError) -> ReplayEntry {
        let result: Result<ReplayEntry, DecodeError> = payload.withUnsafeBytes { raw in
            Result { () throws(DecodeError) in try decodeForReplay(seq: seq, payload: raw) }
        }
        return try result.get()
    }

    /// Decodes a payload held in an array.
    public static func decode(seq: UInt64, payload: [UInt8]) throws(DecodeError) -> LedgerEntry {
        let result: Result<LedgerEntry, DecodeError> = payload.withUnsafeBytes { raw in
            Result { () throws(DecodeError) in try decode(seq: seq, payload: raw) }
        }
        return try result.get()
    }
}
