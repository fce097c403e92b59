/// A change in a printer's status, as UnifiedPOS's `StatusUpdateEvent`s name them for a
/// POSPrinter (cover, receipt paper, power state) and its CashDrawer.
public enum PrinterStatusUpdate: String, Hashable, Sendable {
    /// The printer came online (UnifiedPOS `PS_ONLINE`).
    case online
    /// The printer went offline (`PS_OFF_OFFLINE`).
    case offline
    /// `PTR_SUE_COVER_OPEN`.
    case coverOpen
    /// `PTR_SUE_COVER_OK`.
    case coverOK
    /// `PTR_SUE_REC_PAPEROK`.
    case paperOK
    /// `PTR_SUE_REC_NEAREMPTY`.
    case paperNearEmpty
    /// `PTR_SUE_REC_EMPTY`.
    case paperEmpty
    /// `CASH_SUE_DRAWEROPEN`.
    case drawerOpen
    /// `CASH_SUE_DRAWERCLOSED`.
    case drawerClosed
    /// The printer reports an error (`PTR_SUE_..._ERROR` in spirit; the status says which).
    case error
    /// The error cleared.
    case errorCleared

    /// The updates that lead from `old` to `new`, in a fixed order; with no `old` (the first
    /// status after opening) every part of `new` is reported.
    public static func changes(from old: PrinterStatus?, to new: PrinterStatus) -> [PrinterStatusUpdate] {
        var updates: [PrinterStatusUpdate] = []
        if old?.online != new.online { updates.append(new.online ? .online : .offline) }
        if old?.coverOpen != new.coverOpen { updates.append(new.coverOpen ? .coverOpen : .coverOK) }
        let oldPaper = old.map(paper)
        let newPaper = paper(new)
        if oldPaper != newPaper { updates.append(newPaper) }
        if old?.drawerOpen != new.drawerOpen { updates.append(new.drawerOpen ? .drawerOpen : .drawerClosed) }
        // A different error is reported as an error again, so the lane shows the new cause.
        if old?.error != new.error {
            if new.error != nil {
                updates.append(.error)
            } else if old?.error != nil {
                updates.append(.errorCleared)
            }
        }
        return updates
    }

    private static func paper(_ status: PrinterStatus) -> PrinterStatusUpdate {
        status.paperOut ? .paperEmpty : status.paperNearEnd ? .paperNearEmpty : .paperOK
    }
}
