import Synchronization

/// What the tool was told: every acknowledged sale, return and void, once each however many
/// times it was sent, and which sales are acknowledged so that returns and voids wait for them.
final class Tally: Sendable {
    private struct State {
        var sales: [String: SaleOutcome] = [:]
        var refunds: [String: (RefundOutcome, isVoid: Bool)] = [:]
        var salesInWindow = 0
    }

    private let state = Mutex(State())

    /// Records an acknowledged sale, once however many times it was acknowledged.
    func sale(_ id: String, _ outcome: SaleOutcome, inWindow: Bool) {
        state.withLock { state in
            // One hash of the id for the usual first acknowledgement; a repeat puts the first
            // outcome back.
            if let first = state.sales.updateValue(outcome, forKey: id) {
                state.sales[id] = first
                return
            }
            if inWindow { state.salesInWindow += 1 }
        }
    }

    func refund(_ id: String, _ outcome: RefundOutcome, isVoid: Bool) {
        state.withLock { state in
            if state.refunds[id] == nil { state.refunds[id] = (outcome, isVoid) }
        }
    }

    func isAcknowledged(sale id: String) -> Bool {
        state.withLock { $0.sales[id] != nil }
    }

    /// Sales acknowledged while the clock ran.
    var salesInWindow: Int {
        state.withLock { $0.salesInWindow }
    }

    var totals: SystemTotals {
        state.withLock { state in
            var totals = SystemTotals()
            for outcome in state.sales.values {
                totals.receipts += 1
                totals.revenue += outcome.total
                totals.pointsEarned += outcome.pointsEarned
                totals.pointsSpent += outcome.pointsSpent
            }
            for (outcome, isVoid) in state.refunds.values {
                if isVoid { totals.voids += 1 } else { totals.returns += 1 }
                totals.revenue -= outcome.refund
                totals.pointsEarned -= outcome.pointsEarnedReversed
                totals.pointsSpent -= outcome.pointsSpentRestored
            }
            return totals
        }
    }

    /// The check at the end of a run: each total the system reports against the acknowledged sum.
    static func verify(acknowledged: SystemTotals, reported: SystemTotals) -> Verification {
        var mismatches: [String] = []
        func check(_ name: String, _ told: Int64, _ reports: Int64) {
            if told != reports { mismatches.append("\(name): acknowledged \(told), the system reports \(reports) (difference \(reports - told))") }
        }
        check("receipts", acknowledged.receipts, reported.receipts)
        check("revenue", acknowledged.revenue, reported.revenue)
        check("points earned", acknowledged.pointsEarned, reported.pointsEarned)
        check("points spent", acknowledged.pointsSpent, reported.pointsSpent)
        check("returns", acknowledged.returns, reported.returns)
        check("voids", acknowledged.voids, reported.voids)
        return Verification(acknowledged: acknowledged, reported: reported, mismatches: mismatches)
    }
}
