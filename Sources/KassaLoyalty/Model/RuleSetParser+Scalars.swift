import KassaCore
import Yams

extension RuleSetParser {
    /// Largest amount in minor units (10,000,000,000.00), far above any price or spend, small
    /// enough that sums of a few thousand of them cannot overflow `Int64`.
    static let moneyMax: Int64 = 1_000_000_000_000
    /// Most characters in a rule id, tier id, category or store code.
    static let codeCharactersMax = 64
    /// Most characters in a rule name or the programme's name (they are printed on receipts).
    static let nameCharactersMax = 100

    /// Text: any scalar but an empty one, taken exactly as written (`0042` stays `0042`).
    static func text(_ node: Node, at location: Location) throws(RuleSetError) -> String {
        guard case .scalar(let scalar) = node, !isNull(scalar) else {
            throw location.error("must be text, got \(shown(node))")
        }
        return scalar.string
    }

    /// A name shown to people: up to `nameCharactersMax` characters, no control characters.
    static func name(_ node: Node, at location: Location, emptyAllowed: Bool = false) throws(RuleSetError) -> String {
        let value = try text(node, at: location)
        guard value.count <= nameCharactersMax, emptyAllowed || !value.isEmpty else {
            let range = emptyAllowed ? "at most" : "1 to"
            throw location.error("must be \(range) \(nameCharactersMax) characters, got \(value.count)")
        }
        try rejectControlCharacters(value, at: location)
        return value
    }

    /// A rule or tier id: 1–64 ASCII letters, digits, `.`, `_` or `-`, safe in URLs and logs.
    static func identifier(_ node: Node, at location: Location) throws(RuleSetError) -> String {
        let value = try text(node, at: location)
        let allowed = value.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
        guard allowed, !value.isEmpty, value.utf8.count <= codeCharactersMax else {
            throw location.error("must be 1 to \(codeCharactersMax) letters, digits, '.', '_' or '-' "
                                 + "(like 'dairy-10'), got '\(excerpt(value))'")
        }
        return value
    }

    /// A category or store code: 1–64 characters, no control characters.
    static func code(_ node: Node, at location: Location) throws(RuleSetError) -> String {
        let value = try text(node, at: location)
        guard !value.isEmpty, value.count <= codeCharactersMax else {
            throw location.error("must be 1 to \(codeCharactersMax) characters, got \(value.count)")
        }
        try rejectControlCharacters(value, at: location)
        return value
    }

    /// A SKU code, check digit and all, as the till will see it.
    static func sku(_ node: Node, at location: Location) throws(RuleSetError) -> String {
        let value = try text(node, at: location)
        do throws(SKU.Problem) {
            return try SKU(validating: value).code
        } catch {
            switch error {
            case .badLength(let length):
                throw location.error("must be a SKU code of 1 to \(SKU.lengthMax) bytes, got \(length)")
            case .badCharacter:
                throw location.error("'\(excerpt(value))' is not a SKU code: it has a space, a control character "
                                     + "or non-ASCII text")
            case .badCheckDigit(let kind, let expected):
                let digit = value.last.map(String.init) ?? ""
                throw location.error("'\(value)' is not a valid \(gtinName(kind)): its check digit should be "
                                     + "\(expected), not \(digit)")
            }
        }
    }

    /// The name people use for a GTIN family.
    static func gtinName(_ kind: SKU.Kind) -> String {
        switch kind {
        case .ean8: "EAN-8"
        case .upcA: "UPC-A"
        case .ean13: "EAN-13"
        case .gtin14: "GTIN-14"
        case .plain: "SKU code"
        }
    }

    /// A calendar day written `YYYY-MM-DD`.
    static func date(_ node: Node, at location: Location) throws(RuleSetError) -> LocalDate {
        let value = try text(node, at: location)
        guard let date = LocalDate(iso: value) else {
            throw location.error("must be a date written YYYY-MM-DD, got '\(excerpt(value))'")
        }
        return date
    }

    /// `true` or `false`, unquoted.
    static func bool(_ node: Node, at location: Location) throws(RuleSetError) -> Bool {
        if case .scalar(let scalar) = node, isPlain(scalar) {
            switch scalar.string {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        throw location.error("must be true or false, got \(shown(node))")
    }

    /// Refuses text with control characters, which would garble receipts and logs.
    static func rejectControlCharacters(_ value: String, at location: Location) throws(RuleSetError) {
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw location.error("must not contain control characters (tabs, line breaks), got '\(excerpt(value))'")
        }
    }
}
