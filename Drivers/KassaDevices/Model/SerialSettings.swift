/// How a serial line is set up: speed, character framing and flow control.
///
/// In configuration a port's settings are one line of text, `"<baud> <framing> [flow]"`:
/// - `baud`: one of the standard rates (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, …);
/// - `framing`: data bits (5–8), parity letter (`N` none, `O` odd, `E` even, `M` mark, `S` space)
///   and stop bits (1 or 2), as in `8N1` or `7E2`;
/// - `flow` (optional, default `none`): `none`, `xon-xoff`, `rts-cts` or `dtr-dsr`.
///
/// Examples: `"9600 8N1"`, `"115200 8N1 rts-cts"`, `"19200 7E1 xon-xoff"`. The same values can be
/// given as fields (`baud`, `data_bits`, `parity`, `stop_bits`, `flow_control`) through
/// ``init(baudRate:dataBits:parity:stopBits:flowControl:)``, with `parity` and `flow_control`
/// spelled as the raw values of ``Parity`` and ``FlowControl``.
public struct SerialSettings: Hashable, Sendable, CustomStringConvertible {
    /// The parity bit added to each character.
    public enum Parity: String, Hashable, Sendable, CaseIterable {
        case none, odd, even, mark, space
    }

    /// How the two ends tell each other to pause.
    public enum FlowControl: String, Hashable, Sendable, CaseIterable {
        case none
        case xonXoff = "xon-xoff"
        case rtsCts = "rts-cts"
        case dtrDsr = "dtr-dsr"
    }

    /// The rates both libserialport and termios can set on Linux, in bits per second.
    public static let standardBaudRates: [Int] = [
        50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600, 19200, 38400, 57600, 115200,
        230400, 460800, 500000, 576000, 921600, 1000000, 1152000, 1500000, 2000000, 2500000, 3000000, 3500000, 4000000,
    ]

    /// Line speed in bits per second.
    public var baudRate: Int
    /// Data bits per character, 5 to 8.
    public var dataBits: Int
    /// The parity bit.
    public var parity: Parity
    /// Stop bits per character, 1 or 2.
    public var stopBits: Int
    /// Flow control.
    public var flowControl: FlowControl

    /// Settings from fields; call ``validated()`` before use when they come from configuration.
    public init(baudRate: Int = 9600, dataBits: Int = 8, parity: Parity = .none, stopBits: Int = 1, flowControl: FlowControl = .none) {
        self.baudRate = baudRate
        self.dataBits = dataBits
        self.parity = parity
        self.stopBits = stopBits
        self.flowControl = flowControl
    }

    /// Settings from configuration text such as `"9600 8N1"` or `"115200 8N1 rts-cts"`.
    public init(parsing text: String) throws(DeviceError) {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map(String.init)
        guard words.count == 2 || words.count == 3 else {
            throw DeviceError(.invalidConfiguration, "serial settings '\(text)' should read '<baud> <framing> [flow]', e.g. '9600 8N1'")
        }
        guard let baud = Int(words[0]) else {
            throw DeviceError(.invalidConfiguration, "serial settings '\(text)': '\(words[0])' is not a baud rate")
        }
        let framing = Array(words[1].uppercased())
        guard framing.count == 3, let bits = Int(String(framing[0])), let stop = Int(String(framing[2])),
              let parity = Self.parity(letter: framing[1]) else {
            throw DeviceError(.invalidConfiguration, "serial settings '\(text)': framing '\(words[1])' should look like 8N1 (data bits, N/O/E/M/S, stop bits)")
        }
        var flow = FlowControl.none
        if words.count == 3 {
            guard let named = FlowControl(rawValue: words[2].lowercased()) else {
                let names = FlowControl.allCases.map(\.rawValue).joined(separator: ", ")
                throw DeviceError(.invalidConfiguration, "serial settings '\(text)': flow control '\(words[2])' is not one of \(names)")
            }
            flow = named
        }
        self.init(baudRate: baud, dataBits: bits, parity: parity, stopBits: stop, flowControl: flow)
        try validated()
    }

    /// Throws `.invalidConfiguration` naming the first field out of range.
    public func validated() throws(DeviceError) {
        guard Self.standardBaudRates.contains(baudRate) else {
            throw DeviceError(.invalidConfiguration, "baud rate \(baudRate) is not a standard rate (9600, 19200, 38400, 57600, 115200, …)")
        }
        guard (5...8).contains(dataBits) else { throw DeviceError(.invalidConfiguration, "data bits must be 5 to 8, not \(dataBits)") }
        guard stopBits == 1 || stopBits == 2 else { throw DeviceError(.invalidConfiguration, "stop bits must be 1 or 2, not \(stopBits)") }
    }

    /// The settings in configuration form, e.g. `9600 8N1` or `115200 8N1 rts-cts`.
    public var description: String {
        let letter = switch parity {
        case .none: "N"
        case .odd: "O"
        case .even: "E"
        case .mark: "M"
        case .space: "S"
        }
        let flow = flowControl == .none ? "" : " \(flowControl.rawValue)"
        return "\(baudRate) \(dataBits)\(letter)\(stopBits)\(flow)"
    }

    private static func parity(letter: Character) -> Parity? {
        switch letter {
        case "N": Parity.none
        case "O": .odd
        case "E": .even
        case "M": .mark
        case "S": .space
        default: nil
        }
    }
}
