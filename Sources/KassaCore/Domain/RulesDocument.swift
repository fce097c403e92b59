/// A request to put a new loyalty rules document in force.
///
/// The core keeps rules as the document text: parsing and checking it is the loyalty engine's
/// work (`SalePricing.validate(rules:)`), and keeping the text means replay and snapshots restore
/// exactly what the retailer wrote, comments included.
public struct RulesChange: Hashable, Sendable {
    /// The rules document (YAML or JSON) as submitted.
    public var document: String
    /// Who submitted it: the token's name, or `config` for the file at first start.
    public var by: String

    /// Longest document accepted, in bytes of UTF-8.
    public static let documentBytesMax = 1 << 20

    /// A change.
    public init(document: String, by: String) {
        self.document = document
        self.by = by
    }
}

/// A rules document in force: its version (1, 2, … in the order they were put in force), the
/// text, who put it there and when. Also the journal event of the change.
public struct RulesRecord: Hashable, Sendable {
    /// The version; every sale records the version that priced it.
    public var version: UInt32
    /// The document as submitted.
    public var document: String
    /// Who submitted it.
    public var by: String
    /// Server time it went into force.
    public var at: Timestamp

    /// A record.
    public init(version: UInt32, document: String, by: String, at: Timestamp) {
        self.version = version
        self.document = document
        self.by = by
        self.at = at
    }
}
