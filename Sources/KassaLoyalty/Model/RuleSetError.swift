/// Why a rules document was refused. Nothing is half-applied: a document either parses whole
/// or not at all, and this says where and why.
///
/// The service answers `PUT /v1/rules` with `field` and `message` as they are, so `message` is
/// written for the person editing the document: it names the rule, the key and the value found.
public struct RuleSetError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong and how to fix it (`rule 'dairy-10' (rules[3]): percent must be …, got 150`).
    public var message: String
    /// Where, as a JSON path (`rules[3].percent`, `stacking.policy`); empty for the whole document.
    public var field: String

    /// A refusal.
    public init(_ message: String, field: String) {
        self.message = message
        self.field = field
    }

    /// `message (field)`.
    public var description: String { field.isEmpty ? message : "\(message) (\(field))" }
}
