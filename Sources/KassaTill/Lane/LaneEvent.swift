import Foundation
import KassaCore

/// One thing that happened at the lane, written to standard output as a line of text or, with
/// `--json`, as a JSON object: `{"event": "item", ...}`.
public struct LaneEvent: @unchecked Sendable {
    /// The event's name: item, void, card, total, payment, sale, printed, drawer, cancel, shift,
    /// offline, online, sent, error, warning.
    public var name: String
    /// The human line.
    public var text: String
    /// The machine fields (JSON-serialisable values).
    public var fields: [String: Any]

    public init(_ name: String, _ text: String, _ fields: [String: Any] = [:]) {
        self.name = name
        self.text = text
        self.fields = fields
    }

    /// The event as one JSON Lines line.
    public var jsonLine: String {
        var object = fields
        object["event"] = name
        object["text"] = text
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{\"event\":\"\(name)\"}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// "1 234.50" for 123450 minor units.
    public static func money(_ minorUnits: Int64) -> String { Money.decimalText(minorUnits) }
}
