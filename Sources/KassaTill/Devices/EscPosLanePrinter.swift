import Foundation
import KassaCore
import KassaDevices

/// The lane's receipt printer: an ESC/POS printer on any transport (TCP, serial, USB, file).
/// A receipt is printed once the printer is ready again after taking it; a fault on the way
/// (paper out, cover open) is reported and waited out, and the receipt comes out once when it
/// clears (the printer holds what it took; see `ReceiptPrintQueue`).
public final class EscPosLanePrinter: LanePrinter {
    /// The store's header lines on every receipt.
    public struct Header: Sendable {
        public var storeName: String
        public var addressLines: [String]
        public var footer: [String]

        public init(storeName: String, addressLines: [String] = [], footer: [String] = []) {
            self.storeName = storeName
            self.addressLines = addressLines
            self.footer = footer
        }
    }

    private let layout: ReceiptLayout
    private let header: Header
    private let report: (LaneEvent) -> Void
    private let faultWaitSecondsMax: Double
    private let answersStatus: Bool
    private let printer: ReceiptPrinter
    private let outcomes: PrintOutcomes
    /// Rule ids to the names printed under discounted lines.
    public var ruleNames: [String: String] = [:]

    /// A printer on `transport`; `report` receives faults and recoveries as lane events. A fault
    /// is waited out for at most `faultWaitSecondsMax` before the receipt is left for later.
    /// A transport that cannot answer status requests (`answersStatus` false: a file) counts a
    /// receipt as printed once its bytes are written.
    public init(transport: any ByteTransport, profile: PrinterProfile, header: Header, faultWaitSecondsMax: Double = 600,
                answersStatus: Bool = true, report: @escaping (LaneEvent) -> Void) {
        self.answersStatus = answersStatus
        layout = ReceiptLayout(profile: profile)
        self.header = header
        self.report = report
        self.faultWaitSecondsMax = faultWaitSecondsMax
        let outcomes = PrintOutcomes()
        self.outcomes = outcomes
        printer = ReceiptPrinter(transport: transport, profile: profile, onEvent: { event in Self.handle(event, outcomes: outcomes, report: report) })
    }

    public func print(_ receipt: LaneReceipt) throws {
        let bytes: [UInt8]
        do {
            bytes = try layout.receipt(document(receipt))
        } catch {
            throw LanePrinterError("the receipt cannot be laid out: \(error)")
        }
        do {
            try printer.open()
        } catch {
            throw LanePrinterError("the printer cannot be reached: \(error)")
        }
        guard answersStatus else {
            do {
                try printer.send(bytes)
                return
            } catch {
                throw LanePrinterError("the receipt could not be written: \(error)")
            }
        }
        outcomes.results[receipt.id] = nil
        do {
            try printer.print(PrintJob(id: receipt.id, bytes: bytes))
        } catch {
            throw LanePrinterError("the printer refused the receipt: \(error)")
        }
        let deadline = Date(timeIntervalSinceNow: faultWaitSecondsMax)
        while outcomes.results[receipt.id] == nil, Date() < deadline {
            printer.poll()
            Thread.sleep(forTimeInterval: 0.05)
        }
        switch outcomes.results.removeValue(forKey: receipt.id) {
        case .success?: return
        case .failure(let error)?: throw error
        case nil: throw LanePrinterError("the printer did not finish the receipt within \(Int(faultWaitSecondsMax)) s")
        }
    }

    public func openDrawer() throws {
        do {
            try printer.open()
            try printer.send(layout.drawerKick())
        } catch {
            throw LanePrinterError("the drawer kick did not reach the printer: \(error)")
        }
    }

    private static func handle(_ event: ReceiptPrinter.Event, outcomes: PrintOutcomes, report: (LaneEvent) -> Void) {
        switch event {
        case .printed(let id):
            outcomes.results[id] = .success(())
        case .abandoned(let id, let reason):
            outcomes.results[id] = .failure(LanePrinterError(reason))
        case .fault(let id, let fault):
            report(LaneEvent("printer", "printer: \(fault) while printing \(id); the receipt comes out when it is cleared",
                             ["id": id, "fault": "\(fault)"]))
        case .recovered(let id):
            report(LaneEvent("printer", "printer: ready again, finishing \(id)", ["id": id, "fault": "cleared"]))
        case .statusUpdate(let update, _):
            report(LaneEvent("printer_status", "printer: \(update)", ["status": "\(update)"]))
        }
    }

    func document(_ receipt: LaneReceipt) -> ReceiptDocument {
        let lines = receipt.lines.map { line in
            ReceiptDocument.Line(name: line.name, quantity: Quantity(thousandths: line.qtyThousandths), weighed: line.weighed,
                                 unitPrice: line.price, amount: line.amount,
                                 discounts: line.discount > 0 ? [ReceiptDocument.Discount(rule: line.rules.map { ruleNames[$0] ?? $0 }.joined(separator: ", "), amount: line.discount)] : [])
        }
        let payments = receipt.payments.map { ReceiptDocument.Payment(method: Self.methodName($0.method), amount: $0.amount) }
        let loyalty = receipt.card.map { card in
            ReceiptDocument.Loyalty(cardNumber: card, pointsEarned: receipt.pointsEarned ?? 0,
                                    pointsSpent: receipt.payments.filter { $0.method == .points }.reduce(0) { $0 + $1.amount },
                                    balance: receipt.pointsBalance ?? 0)
        }
        return ReceiptDocument(storeName: header.storeName, addressLines: header.addressLines, terminal: receipt.terminal,
                               cashier: receipt.cashier, receiptId: receipt.id, time: receipt.time, lines: lines,
                               subtotal: receipt.subtotal, totalDiscount: receipt.discount, total: receipt.total, payments: payments,
                               change: receipt.change, loyalty: loyalty, footer: header.footer, registeredOffline: receipt.offline)
    }

    static func methodName(_ method: CashierAction.PaymentMethod) -> String {
        switch method {
        case .cash: "Наличные"
        case .card: "Банковская карта"
        case .points: "Баллы"
        }
    }
}

/// How each job ended, as the printer's events tell (read and written on the lane's thread,
/// which both polls the printer and waits here).
private final class PrintOutcomes {
    var results: [String: Result<Void, LanePrinterError>] = [:]
}

/// A receipt that could not be printed now; the lane keeps it and prints it later.
public struct LanePrinterError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
