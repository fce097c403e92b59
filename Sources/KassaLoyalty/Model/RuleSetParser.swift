import Yams

/// Reads a loyalty rules document (`config/loyalty.yaml`, the body of `PUT /v1/rules`) into a
/// `RuleSet`, refusing anything it does not understand rather than guessing.
///
/// The document is YAML or JSON (JSON is YAML). Every key is checked against the keys its place
/// allows, so a typo such as `precent` is an error and never a discount silently dropped.
public enum RuleSetParser {
    /// Longest document accepted, in UTF-8 bytes (1 MiB).
    public static let textBytesMax = 1 << 20
    /// Most rules one document may hold.
    public static let rulesMax = 1_000
    /// Most entries in any one list or map (SKUs of a target, stores, tier levels, floors).
    public static let listEntriesMax = 10_000
    /// Most list and map entries in the whole document, counting each use of a YAML alias again.
    ///
    /// Aliases let a few bytes repeat a long list a thousand times; this keeps the parsed rule set
    /// about as large as a 1 MiB document written out in full could make it.
    public static let documentEntriesMax = 100_000

    /// Parses and validates a rules document written in YAML or JSON.
    public static func parse(_ text: String) throws(RuleSetError) -> RuleSet {
        let byteCount = text.utf8.count
        guard byteCount <= textBytesMax else {
            throw RuleSetError(
                "the document is \(byteCount) bytes; at most \(textBytesMax) bytes (1 MiB) are accepted, "
                    + "so move long SKU lists into categories or split the programme", field: "")
        }
        let composed: Node?
        do {
            composed = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw syntaxError(error, in: text)
        } catch {
            throw RuleSetError("the document could not be read as YAML or JSON: \(error)", field: "")
        }
        guard let root = composed else {
            throw RuleSetError("the document is empty; it needs at least 'rules: []'", field: "rules")
        }
        var reader = DocumentReader()
        return try reader.ruleSet(root)
    }

    /// A YAML error as a message that points at the line and column to fix.
    static func syntaxError(_ error: YamlError, in text: String) -> RuleSetError {
        let lead = "the document is not valid YAML or JSON"
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            // libyaml's context names what it was reading and where that began, which is often
            // where the real mistake is (an unclosed bracket or quote).
            let during = context.map { " (\($0.text) started at line \($0.mark.line), column \($0.mark.column))" }
            return RuleSetError("\(lead): line \(mark.line), column \(mark.column): \(problem)\(during ?? "")", field: "")
        case let .reader(problem, offset, _, _):
            let position = offset.map { lineAndColumn(ofCharacter: $0, in: text) }
            let place = position.map { "line \($0.line), column \($0.column): " } ?? ""
            return RuleSetError("\(lead): \(place)\(problem)", field: "")
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.sorted().map { "'\(RuleSetParser.excerpt($0))'" }.joined(separator: ", ")
            return RuleSetError(
                "key \(keys) is written more than once in the mapping at line \(context.mark.line), "
                    + "column \(context.mark.column); keep one", field: "")
        default:
            // Emitter, memory and encoding errors do not arise from the text; say what Yams said.
            return RuleSetError("\(lead): \(error)", field: "")
        }
    }

    /// 1-based line and column of the character at `offset`, as editors count them.
    static func lineAndColumn(ofCharacter offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for character in text.prefix(offset) {
            if character.isNewline {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}
