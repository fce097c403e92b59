/// Rules for the identifiers tills send: receipt ids, store, terminal and cashier codes.
///
/// They are echoed into logs, files and SQL parameters, so only printable ASCII without spaces
/// is accepted, and their length is bounded.
public enum Identifier {
    /// The longest id accepted.
    public static let lengthMax = 64

    /// True when `text` is 1–64 bytes of printable ASCII without spaces or quotes.
    public static func isValid(_ text: String) -> Bool {
        let bytes = text.utf8
        guard !bytes.isEmpty, bytes.count <= lengthMax else { return false }
        for byte in bytes where byte <= 0x20 || byte >= 0x7F || byte == 0x22 || byte == 0x27 || byte == 0x5C {
            return false
        }
        return true
    }
}
