/// One customer, fixed-size: 96 bytes.
///
/// Optional days and the birthdate are held with presence bits in `flags`; the profile's
/// phone, name and source are in the shard's text arena at `textOffset`.
struct CustomerRecord: Sendable {
    var cardValue: UInt64
    var points: Int64
    var lifetimeSpend: Int64
    var enrolledAtMs: Int64
    /// Packed per-day activity and category spend (`CustomerTable.pack`).
    var activity: CustomerActivity
    var visits: Int32
    var firstVisitDay: Int32
    var lastVisitDay: Int32
    var birthdate: Int32
    var textOffset: UInt32
    var enrolledOffsetMinutes: Int16
    var cardDigits: UInt8
    var flags: UInt8

    static let hasBirthdate: UInt8 = 1 << 0
    static let hasFirstVisit: UInt8 = 1 << 1
    static let hasLastVisit: UInt8 = 1 << 2
}

/// A customer's packed activity (`CustomerTable.pack`), held inside the customer's record when
/// it is short, as a few days of purchases are, and in an array of its own when longer.
///
/// Finding a card reads its bucket, then its record, then (were the bytes always in an array of
/// their own) the array: three loads, each waiting for the last, and each a likely cache miss
/// among ten million customers. Bytes inside the record arrive with the record, so a quote for
/// a customer with a short history waits for two.
struct CustomerActivity: Sendable {
    /// The first byte is how many bytes follow inline (`spilledMark`: they are in `spilled`).
    private var inline: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    /// The bytes when they do not fit inline; empty otherwise.
    private var spilled: [UInt8] = []

    /// Most bytes held inline: the inline words less the byte that counts them.
    static let inlineCapacity = MemoryLayout<(UInt64, UInt64, UInt64, UInt64)>.size - 1
    private static let spilledMark = UInt8.max

    /// No activity.
    init() {}

    /// `bytes`, inline when they fit.
    init(_ bytes: [UInt8]) {
        guard bytes.count <= CustomerActivity.inlineCapacity else {
            withUnsafeMutableBytes(of: &inline) { $0[0] = CustomerActivity.spilledMark }
            spilled = bytes
            return
        }
        withUnsafeMutableBytes(of: &inline) { raw in
            raw[0] = UInt8(bytes.count)
            for (offset, byte) in bytes.enumerated() { raw[1 + offset] = byte }
        }
    }

    /// Calls `body` with the bytes.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        withUnsafeBytes(of: inline) { raw in
            let count = raw[0]
            if count == CustomerActivity.spilledMark { return spilled.withUnsafeBytes(body) }
            return body(UnsafeRawBufferPointer(rebasing: raw[1..<(1 + Int(count))]))
        }
    }
}

/// A shard of the customer table: records in arrival order, an index by card, profile text.
struct CustomerShard: Sendable {
    private(set) var records: [CustomerRecord] = []
    /// Open addressing, linear probing: 0 is empty; else eight bits of the card's hash
    /// (`tag`), then n in the low 24 bits for `records[n - 1]`. A probe reads a record only when
    /// its tag agrees: at the table's load (up to three quarters) a lookup otherwise read on
    /// average most of one other customer's record, each a cache miss of its own, before the
    /// card's.
    private var buckets: [UInt32] = []
    /// `buckets.count - 1` (−1 while there are none), held here beside the arrays' addresses:
    /// read from the buckets' own header, it made the bucket's read wait for a cache miss of
    /// its own on every lookup.
    private var bucketMask = -1
    /// Each profile as three varint-length-prefixed UTF-8 strings: phone, name, source.
    /// Append-only; a replaced profile leaves its old bytes behind (replacing only happens when
    /// a snapshot is loaded over existing customers, which recovery never does).
    private var text: [UInt8] = []

    @inline(__always)
    private static func hash(_ value: UInt64, _ digits: UInt8) -> Int {
        Int(truncatingIfNeeded: ByteHash.mix(value ^ UInt64(digits) << 59))
    }

    /// Most records a shard holds: a bucket has 24 bits for a record's number.
    static let recordsMax = 1 << 24 - 2

    /// A bucket's tag bits for `hash`: its top eight bits, which no bucket position uses.
    @inline(__always)
    private static func tag(_ hash: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: UInt64(bitPattern: Int64(hash)) >> 56) << 24
    }

    /// The bucket entry of `records[index]`, whose card hashes to `hash`.
    @inline(__always)
    private static func entry(index: Int, hash: Int) -> UInt32 {
        tag(hash) | UInt32(index + 1)
    }

    /// The position of `card`'s record, if held.
    func index(of card: CardNumber) -> Int? {
        switch find(card) {
        case .held(let index): index
        case .free, .none: nil
        }
    }

    /// Where a card is: its record, or the free bucket a new record of it goes in.
    private enum Place {
        case held(Int)
        case free(bucket: Int)
    }

    /// Where `card` is (nil while there are no buckets).
    @inline(__always)
    private func find(_ card: CardNumber) -> Place? {
        let mask = bucketMask
        guard mask >= 0 else { return nil }
        let hash = CustomerShard.hash(card.value, card.digits)
        let tag = CustomerShard.tag(hash)
        var bucket = hash & mask
        while true {
            let entry = buckets[bucket]
            if entry == 0 { return .free(bucket: bucket) }
            if entry & 0xFF00_0000 == tag {
                let index = Int(entry & 0x00FF_FFFF) - 1
                if records[index].cardValue == card.value, records[index].cardDigits == card.digits { return .held(index) }
            }
            bucket = (bucket + 1) & mask
        }
    }

    mutating func reserve(_ count: Int) {
        records.reserveCapacity(count)
        text.reserveCapacity(count * 40)
        let size = CustomerShard.bucketCount(for: count)
        if size > buckets.count { rebuild(size: size) }
    }

    /// Inserts or replaces; true when the card is new.
    mutating func insert(_ account: CustomerAccount, activity: [UInt8]) -> Bool {
        let profile = account.profile
        precondition(text.count < Int(UInt32.max) - 1024, "a customer shard's profile text outgrew 4 GB")
        let offset = UInt32(text.count)
        append(profile.phone)
        append(profile.name)
        append(profile.source)
        var flags: UInt8 = 0
        if profile.birthdate != nil { flags |= CustomerRecord.hasBirthdate }
        if account.firstVisitDay != nil { flags |= CustomerRecord.hasFirstVisit }
        if account.lastVisitDay != nil { flags |= CustomerRecord.hasLastVisit }
        let record = CustomerRecord(
            cardValue: profile.card.value, points: account.points, lifetimeSpend: account.lifetimeSpend,
            enrolledAtMs: profile.enrolledAt.epochMilliseconds, activity: CustomerActivity(activity), visits: account.visits,
            firstVisitDay: account.firstVisitDay ?? 0, lastVisitDay: account.lastVisitDay ?? 0,
            birthdate: profile.birthdate?.daysSinceEpoch ?? 0, textOffset: offset,
            enrolledOffsetMinutes: profile.enrolledAt.offsetMinutes, cardDigits: profile.card.digits, flags: flags)
        let found = find(profile.card)
        if case .held(let index) = found {
            records[index] = record
            return false
        }
        precondition(records.count < CustomerShard.recordsMax, "a customer shard holds at most \(CustomerShard.recordsMax) customers")
        records.append(record)
        if records.count * 4 > buckets.count * 3 {
            rebuild(size: CustomerShard.bucketCount(for: records.count * 2))
        } else if case .free(let bucket) = found {
            // The bucket the search stopped at: probing again from the card's hash ends there.
            buckets[bucket] = CustomerShard.entry(index: records.count - 1, hash: CustomerShard.hash(profile.card.value, profile.card.digits))
        } else {
            place(records.count - 1)
        }
        return true
    }

    func account(at index: Int, categories: InternTable<String>) -> CustomerAccount {
        account(at: index, withText: categories)
    }

    /// The account at `index` without its text and category spend (`CustomerTable.pricingAccount`).
    func pricingAccount(at index: Int) -> CustomerAccount {
        account(at: index, withText: nil)
    }

    /// The account at `index`; its phone, name, source and category spend only with `categories`.
    private func account(at index: Int, withText categories: InternTable<String>?) -> CustomerAccount {
        let record = records[index]
        var profile = Customer(
            card: CardNumber(unchecked: record.cardValue, digits: record.cardDigits),
            birthdate: record.flags & CustomerRecord.hasBirthdate != 0 ? LocalDate(daysSinceEpoch: record.birthdate) : nil,
            enrolledAt: Timestamp(epochMilliseconds: record.enrolledAtMs, offsetMinutes: record.enrolledOffsetMinutes))
        if categories != nil {
            var offset = Int(record.textOffset)
            profile.phone = string(at: &offset)
            profile.name = string(at: &offset)
            profile.source = string(at: &offset)
        }
        var account = CustomerAccount(profile: profile)
        let aggregates = self.aggregates(at: index, categories: categories)
        account.points = aggregates.points
        account.visits = aggregates.visits
        account.lifetimeSpend = aggregates.lifetimeSpend
        account.firstVisitDay = aggregates.firstVisitDay
        account.lastVisitDay = aggregates.lastVisitDay
        account.recentDays = aggregates.recentDays
        account.categorySpend = aggregates.categorySpend
        return account
    }

    /// The aggregates at `index`; the category spend only with `categories`.
    func aggregates(at index: Int, categories: InternTable<String>?) -> CustomerAggregates {
        let record = records[index]
        let (days, spend) = record.activity.withBytes { CustomerTable.unpack($0, categories: categories) }
        return CustomerAggregates(
            points: record.points, visits: record.visits, lifetimeSpend: record.lifetimeSpend,
            firstVisitDay: record.flags & CustomerRecord.hasFirstVisit != 0 ? record.firstVisitDay : nil,
            lastVisitDay: record.flags & CustomerRecord.hasLastVisit != 0 ? record.lastVisitDay : nil,
            recentDays: days, categorySpend: spend)
    }

    mutating func setAggregates(_ aggregates: CustomerAggregates, activity: [UInt8], at index: Int) {
        records[index].points = aggregates.points
        records[index].visits = aggregates.visits
        records[index].lifetimeSpend = aggregates.lifetimeSpend
        records[index].firstVisitDay = aggregates.firstVisitDay ?? 0
        records[index].lastVisitDay = aggregates.lastVisitDay ?? 0
        var flags = records[index].flags & CustomerRecord.hasBirthdate
        if aggregates.firstVisitDay != nil { flags |= CustomerRecord.hasFirstVisit }
        if aggregates.lastVisitDay != nil { flags |= CustomerRecord.hasLastVisit }
        records[index].flags = flags
        records[index].activity = CustomerActivity(activity)
    }

    private mutating func append(_ string: String) {
        var string = string
        string.withUTF8 { bytes in
            var length = UInt64(bytes.count)
            while length >= 0x80 {
                text.append(UInt8(truncatingIfNeeded: length) | 0x80)
                length >>= 7
            }
            text.append(UInt8(length))
            text.append(contentsOf: bytes)
        }
    }

    private func string(at offset: inout Int) -> String {
        var length = 0
        var shift = 0
        while true {
            let byte = text[offset]
            offset += 1
            length |= Int(byte & 0x7F) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
        }
        defer { offset += length }
        return String(decoding: text[offset..<(offset + length)], as: UTF8.self)
    }

    private static func bucketCount(for count: Int) -> Int {
        var size = 16
        while count * 4 > size * 3 { size *= 2 }
        return size
    }

    private mutating func rebuild(size: Int) {
        buckets = Array(repeating: 0, count: size)
        bucketMask = size - 1
        for index in records.indices { place(index) }
    }

    private mutating func place(_ index: Int) {
        let mask = buckets.count - 1
        let hash = CustomerShard.hash(records[index].cardValue, records[index].cardDigits)
        var bucket = hash & mask
        while buckets[bucket] != 0 { bucket = (bucket + 1) & mask }
        buckets[bucket] = CustomerShard.entry(index: index, hash: hash)
    }
}
