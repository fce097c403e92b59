/// Matches the bytes a printer sends back to the `DLE EOT` requests sent to it, in order, and
/// puts each full round of four answers together into a `PrinterStatus`.
///
/// The printer answers real-time requests in the order they arrive, one byte each, so the k-th
/// byte answers the k-th pending request. A byte that comes with nothing pending is reported as
/// unexpected and dropped; a byte that fails the fixed bits is rejected and uses up its request,
/// and the round it belonged to gives no status. After a timeout the caller calls
/// `forgetPending()` (and drains the line), so a late answer is never taken for the next one.
public struct PrinterStatusReader: Sendable {
    /// What one received byte turned out to be.
    public enum Reading: Hashable, Sendable {
        /// A valid answer; `status` is set when it completed a round of four.
        case answer(PrinterStatusAnswer, status: PrinterStatus?)
        /// The byte cannot answer the request it was matched to; the request is used up.
        case rejected(EscPosError)
        /// No request was pending.
        case unexpected(UInt8)
    }

    /// Requests that may wait for answers at once; a caller asking for more has lost track.
    public static let pendingMax = 16
    /// The order of one full round.
    public static let round: [PrinterStatusRequest] = [.printer, .offlineCause, .errorCause, .paperSensor]

    /// Requests sent and not answered yet, oldest first.
    public private(set) var pending: [PrinterStatusRequest] = []
    private var roundAnswers: [PrinterStatusAnswer?] = [nil, nil, nil, nil]
    private var roundBroken = false
    private let drawerOpenWhenPin3High: Bool

    /// A reader with nothing pending, for a drawer wired as the profile says.
    public init(drawerOpenWhenPin3High: Bool) {
        self.drawerOpenWhenPin3High = drawerOpenWhenPin3High
        pending.reserveCapacity(Self.pendingMax)
    }

    /// Notes that `request` was sent; refused when `pendingMax` requests already wait.
    public mutating func sent(_ request: PrinterStatusRequest) throws(EscPosError) {
        guard pending.count < Self.pendingMax else {
            throw EscPosError(.queueFull, "\(Self.pendingMax) status requests are waiting for answers; the printer does not answer")
        }
        pending.append(request)
    }

    /// Notes a full round of four requests as sent and returns their bytes, to write at once.
    public mutating func sendRound() throws(EscPosError) -> [UInt8] {
        guard pending.count + Self.round.count <= Self.pendingMax else {
            throw EscPosError(.queueFull, "\(pending.count) status requests are waiting for answers; the printer does not answer")
        }
        var bytes: [UInt8] = []
        for request in Self.round {
            try sent(request)
            bytes += EscPosEncoder.statusRequest(request)
        }
        return bytes
    }

    /// Forgets every pending request and the round in progress (after a timeout).
    public mutating func forgetPending() {
        pending.removeAll(keepingCapacity: true)
        resetRound()
    }

    /// What `byte` is, given the requests pending.
    public mutating func receive(_ byte: UInt8) -> Reading {
        guard !pending.isEmpty else { return .unexpected(byte) }
        let request = pending.removeFirst()
        let answer: PrinterStatusAnswer
        do {
            answer = try PrinterStatusAnswer.parse(byte, answering: request)
        } catch {
            roundBroken = true
            finishRoundIfDone(request)
            return .rejected(error)
        }
        roundAnswers[Int(request.rawValue) - 1] = answer
        return .answer(answer, status: finishRoundIfDone(request))
    }

    /// A round is done when its last request (the paper sensor) was answered or rejected.
    @discardableResult
    private mutating func finishRoundIfDone(_ request: PrinterStatusRequest) -> PrinterStatus? {
        guard request == Self.round.last else { return nil }
        defer { resetRound() }
        guard !roundBroken,
              case .printer(let printer)? = roundAnswers[0],
              case .offlineCause(let cause)? = roundAnswers[1],
              case .errorCause(let error)? = roundAnswers[2],
              case .paperSensor(let paper)? = roundAnswers[3]
        else { return nil }
        return PrinterStatus(printer: printer, offlineCause: cause, errorCause: error, paperSensor: paper,
                             drawerOpenWhenPin3High: drawerOpenWhenPin3High)
    }

    private mutating func resetRound() {
        roundAnswers = [nil, nil, nil, nil]
        roundBroken = false
    }
}
