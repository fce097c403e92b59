import Yams

extension RuleSetParser {
    /// A value of a mapping and where it is.
    typealias Field = (node: Node, location: Location)

    /// A mapping of the document with text keys, looked up by key and checked for keys its place
    /// does not allow.
    struct Mapping {
        /// Where the mapping is; a rule's mapping moves to its named location once its id is read.
        var location: Location
        /// Keys in the order written, for messages that list them.
        let keys: [String]
        private let values: [String: Node]

        /// Reads `node` as a mapping; `what` describes it for the error when it is something else.
        init(_ node: Node, at location: Location, what: String) throws(RuleSetError) {
            guard case .mapping(let mapping) = node else {
                throw location.error("must be \(what), got \(RuleSetParser.shown(node))")
            }
            var keys: [String] = []
            var values: [String: Node] = [:]
            for (keyNode, value) in mapping {
                guard case .scalar(let scalar) = keyNode, !RuleSetParser.isNull(scalar) else {
                    throw location.error("has a key that is not text (\(RuleSetParser.shown(keyNode))); keys are names "
                                         + "like 'percent'", field: location.path)
                }
                let key = scalar.string
                guard key != "<<" else {
                    throw location.error("uses a YAML merge key ('<<'), which is not supported; write the keys out",
                                         field: location.key(key).path)
                }
                // Yams sees `1` and `"1"` as different keys; here both are the text "1".
                guard values.updateValue(value, forKey: key) == nil else {
                    throw location.error("key '\(RuleSetParser.excerpt(key))' is written twice; keep one",
                                         field: location.key(key).path)
                }
                keys.append(key)
            }
            self.location = location
            self.keys = keys
            self.values = values
        }

        /// Refuses any key not in `known`, suggesting the nearest known one.
        func rejectUnknownKeys(known: [String]) throws(RuleSetError) {
            for key in keys where !known.contains(key) {
                let list = known.joined(separator: ", ")
                let hint = RuleSetParser.nearest(to: key, among: known).map { " (did you mean '\($0)'?)" } ?? ""
                throw location.error("unknown key '\(RuleSetParser.excerpt(key))'\(hint); known keys: \(list)",
                                     field: location.key(key).path)
            }
        }

        /// The value under `key` and its location, or nil when the key is absent.
        func optional(_ key: String) -> Field? {
            values[key].map { ($0, location.key(key)) }
        }

        /// The value under `key` and its location; an error naming the key when it is absent.
        func required(_ key: String) throws(RuleSetError) -> Field {
            guard let value = optional(key) else { throw location.key(key).error("is required") }
            return value
        }

        /// True when `key` is written.
        func has(_ key: String) -> Bool { values[key] != nil }
    }

    /// The known key within two edits of `key` (a typo, a swapped pair of letters), if one is.
    static func nearest(to key: String, among known: [String]) -> String? {
        // The distance costs length squared; no key of the format is near 64 letters long.
        let typed = Array(key.utf8)
        guard typed.count <= 64 else { return nil }
        var best: (key: String, distance: Int)?
        for candidate in known {
            let distance = editDistance(typed, Array(candidate.utf8))
            if distance <= 2, distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        return best?.key
    }

    /// Levenshtein distance, counting a swap of neighbours as one edit (`precent` → `percent`).
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var distance = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    distance = min(distance, table[i - 2][j - 2] + 1)
                }
                table[i][j] = distance
            }
        }
        return table[a.count][b.count]
    }
}
