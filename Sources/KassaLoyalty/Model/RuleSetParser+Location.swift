import Yams

extension RuleSetParser {
    /// Where a value sits in the document, so that every error names its field and its rule.
    struct Location {
        /// JSON path from the root (`rules[3].levels[1].from`); empty for the root itself.
        let path: String
        /// The enclosing rule as people call it (`rule 'dairy-10' (rules[3])`), when inside one.
        let rule: String?
        /// The enclosing rule's path (`rules[3]`), which messages leave out after naming the rule.
        let rulePath: String

        /// The document's root.
        static let root = Location(path: "", rule: nil, rulePath: "")

        /// The value under `key` of the mapping here.
        func key(_ name: String) -> Location {
            Location(path: path.isEmpty ? name : "\(path).\(name)", rule: rule, rulePath: rulePath)
        }

        /// The entry at `index` of the list here.
        func index(_ index: Int) -> Location {
            Location(path: "\(path)[\(index)]", rule: rule, rulePath: rulePath)
        }

        /// This place as the rule `label` names, for the values below it.
        func rule(_ label: String) -> Location {
            Location(path: path, rule: label, rulePath: path)
        }

        /// The path inside the rule (`levels[1].from`), or the whole path outside rules.
        var relative: String {
            guard rule != nil else { return path }
            let rest = path.dropFirst(rulePath.count)
            return String(rest.first == "." ? rest.dropFirst() : rest)
        }

        /// An error about the value here: `rule 'x' (rules[3]): percent must be …`.
        func error(_ problem: String) -> RuleSetError {
            let subject = if !relative.isEmpty { "\(relative) \(problem)" }
                else if rule == nil { "the document \(problem)" }
                else { problem }
            return RuleSetError((rule.map { "\($0): " } ?? "") + subject, field: path)
        }

        /// An error about the mapping here as a whole, blamed on `field` (`rules[2].precent`).
        func error(_ problem: String, field: String) -> RuleSetError {
            let subject = relative.isEmpty ? problem : "\(relative): \(problem)"
            return RuleSetError((rule.map { "\($0): " } ?? "") + subject, field: field)
        }
    }

    /// Longest stretch of a found value quoted in a message; the rest is cut off with `…`.
    static let excerptCharactersMax = 40

    /// `text` cut to a length fit for a message, control characters escaped so logs stay whole.
    static func excerpt(_ text: String) -> String {
        var result = ""
        for (count, character) in text.enumerated() {
            guard count < excerptCharactersMax else { return result + "…" }
            let isControl = character.unicodeScalars.contains { $0.properties.generalCategory == .control }
            result += isControl ? character.unicodeScalars.map { $0.escaped(asASCII: true) }.joined() : String(character)
        }
        return result
    }

    /// A value as messages quote it after "got": numbers as written, text in quotes.
    static func shown(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            if isNull(scalar) { return "nothing" }
            return isPlain(scalar) ? excerpt(scalar.string) : "'\(excerpt(scalar.string))'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// True for a scalar written without quotes, which is how numbers and booleans are written.
    static func isPlain(_ scalar: Node.Scalar) -> Bool {
        scalar.style == .plain || scalar.style == .any
    }

    /// True for YAML's ways of writing nothing (`key:` with no value, `~`, `null`).
    static func isNull(_ scalar: Node.Scalar) -> Bool {
        isPlain(scalar) && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }
}
