/// One line of the audit log: who did what to which record. Journaled like every change, so the
/// log survives crashes and is in the history for as long as the journal's projection keeps it.
public struct AuditRecord: Hashable, Sendable {
    /// The token's name (`first-start-admin`, `analyst`, ...).
    public var actor: String
    /// The token's role.
    public var role: String
    /// What was done (`read_customer`, `read_history`, `search_customers`, `issue_token`, ...).
    public var action: String
    /// What it was done to (a card, a token name, a search).
    public var subject: String

    /// The longest text kept in any field; longer text is cut.
    public static let fieldBytesMax = 256

    /// A record; fields longer than `fieldBytesMax` bytes are cut at a character boundary.
    public init(actor: String, role: String, action: String, subject: String) {
        self.actor = AuditRecord.cut(actor)
        self.role = AuditRecord.cut(role)
        self.action = AuditRecord.cut(action)
        self.subject = AuditRecord.cut(subject)
    }

    private static func cut(_ text: String) -> String {
        guard text.utf8.count > fieldBytesMax else { return text }
        var out = ""
        for character in text {
            if out.utf8.count + String(character).utf8.count > fieldBytesMax { break }
            out.append(character)
        }
        return out
    }
}
