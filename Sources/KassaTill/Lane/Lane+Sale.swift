import Foundation
import KassaCore

extension Lane {
    /// Takes a payment; once the payments cover the total, the sale is finished.
    func pay(_ method: CashierAction.PaymentMethod, amount: Int64?) throws {
        guard !basket.isEmpty else { throw CashierInputError("the basket is empty: nothing to pay") }
        let quotedBefore = price != nil
        let priced = try priceBasket()
        if !quotedBefore { emitTotal(priced) }
        let due = priced.total - payments.reduce(0) { $0 + $1.amount }
        let minor: Int64
        switch method {
        case .points:
            guard !priced.offline else { throw CashierInputError("points can only be spent while the server answers (it keeps the balance)") }
            guard basket.card != nil else { throw CashierInputError("points need a loyalty card on the basket") }
            let points = amount ?? min(priced.pointsRedeemableMax, due / max(1, priced.pointValue))
            guard points > 0, points <= priced.pointsRedeemableMax else {
                throw CashierInputError("at most \(priced.pointsRedeemableMax) points can pay for this receipt")
            }
            guard points * priced.pointValue <= due else {
                throw CashierInputError("\(points) points pay \(LaneEvent.money(points * priced.pointValue)), more than the \(LaneEvent.money(due)) due")
            }
            minor = points * priced.pointValue
        case .card:
            minor = amount ?? due
            guard minor <= due else { throw CashierInputError("a card pays at most the \(LaneEvent.money(due)) due") }
        case .cash:
            minor = amount ?? due
        }
        payments.append(LanePayment(method: method, amount: minor))
        let remaining = max(0, due - minor)
        emit(LaneEvent("payment", "paid \(method.rawValue) \(LaneEvent.money(minor)), due \(LaneEvent.money(remaining))",
                       ["method": method.rawValue, "amount": minor, "due": remaining]))
        if minor >= due { try finish(priced, change: minor - due) }
    }

    /// Registers the paid basket: into the outbox (durable), to the server when it answers,
    /// then out of the printer and the drawer open for cash.
    private func finish(_ priced: LanePrice, change: Int64) throws {
        let at = now()
        let id = nextReceiptID(at)
        // The sale records what was kept: cash handed back as change is not a payment.
        var recorded = payments
        if change > 0, let cash = recorded.lastIndex(where: { $0.method == .cash }) { recorded[cash].amount -= change }
        recorded.removeAll { $0.amount == 0 }
        let request = SaleRequest.body(id: id, store: settings.store, terminal: settings.terminal, cashier: settings.cashier,
                                       at: at, basket: basket, payments: recorded, offline: priced.offline ? priced : nil)
        var receipt = receiptView(id: id, at: at, priced: priced, change: change)
        do {
            let payload = try OutboxPayload(request: request, receipt: receipt).encoded()
            try state.withLock { try outbox.add(id: id, body: payload) }
        } catch {
            payments.removeLast()
            throw CashierInputError("the sale could not be kept on this lane's disk (\(error)); nothing was registered, take the payment again")
        }
        emit(LaneEvent("sale", "sale \(id) total \(LaneEvent.money(priced.total))\(change > 0 ? ", change \(LaneEvent.money(change))" : "")",
                       ["id": id, "total": priced.total, "change": change, "offline": priced.offline]))
        basket = Basket()
        price = nil
        payments = []
        if let answer = sendOutbox()[id], let points = answer["points"] as? [String: Any], receipt.card != nil {
            receipt.pointsEarned = int(points["earned"])
            receipt.pointsBalance = int(points["balance"])
        }
        printUnprinted(except: id)
        printReceipt(receipt, id: id)
        if recorded.contains(where: { $0.method == .cash }) || change > 0 { openDrawer() }
    }

    private func receiptView(id: String, at: Timestamp, priced: LanePrice, change: Int64) -> LaneReceipt {
        let lines = zip(basket.lines, priced.lines).map { line, price in
            LaneReceipt.Line(name: line.name, sku: line.sku, qtyThousandths: line.qty.thousandths, weighed: line.weighed,
                             price: line.price, amount: line.amount, discount: price.discount, rules: price.rules)
        }
        return LaneReceipt(id: id, store: settings.store, terminal: settings.terminal, cashier: settings.cashier,
                           time: Self.receiptTime(at), lines: lines, subtotal: priced.subtotal, discount: priced.discount,
                           total: priced.total, payments: payments, change: change, card: basket.card?.description,
                           pointsEarned: priced.pointsEarned, pointsBalance: priced.pointsBalanceAfter, offline: priced.offline,
                           rulesVersion: priced.rulesVersion)
    }

    /// "T07-20261127-101500123": the terminal and the sale's time to the millisecond, unique
    /// for the terminal as long as its clock does not run backwards past its last sale.
    private func nextReceiptID(_ at: Timestamp) -> String {
        var milliseconds = at.epochMilliseconds + Int64(at.offsetMinutes) * 60_000
        if milliseconds <= lastIdMilliseconds { milliseconds = lastIdMilliseconds + 1 }
        lastIdMilliseconds = milliseconds
        let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(settings.terminal)-\(pad(c.year, 4))\(pad(c.month, 2))\(pad(c.day, 2))-\(pad(c.hour, 2))\(pad(c.minute, 2))\(pad(c.second, 2))\(pad(Int(milliseconds % 1000), 3))"
    }

    static func receiptTime(_ at: Timestamp) -> String {
        let text = at.description  // RFC 3339: 2026-11-27T10:15:00.123+03:00
        let date = text.prefix(10), time = text.dropFirst(11).prefix(5)
        return "\(date) \(time)"
    }

    // MARK: - Sending

    /// Sends the outbox in order until it is empty or the server stops answering. Returns the
    /// server's answers by receipt id. Only one caller sends at a time; a caller that finds the
    /// sender busy leaves the work to it, or with `waiting` waits for it and then sends what is
    /// left (closing the shift must know the queue is empty).
    @discardableResult
    public func sendOutbox(waiting: Bool = false) -> [String: [String: Any]] {
        if waiting {
            sending.lock()
        } else {
            guard sending.try() else { return [:] }
        }
        defer { sending.unlock() }
        var answers: [String: [String: Any]] = [:]
        var attempts = 0
        while attempts < LaneOutbox.entriesMax {
            attempts += 1
            guard let entry = state.withLock({ outbox.firstUnsent }) else { break }
            let payload: OutboxPayload
            do {
                payload = try OutboxPayload(decoding: entry.body)
            } catch {
                park(entry.id, body: entry.body, reason: "\(error)")
                continue
            }
            switch client.call("POST", "/v1/sales", body: payload.request) {
            case .answered(let status, let body):
                state.withLock {
                    try? outbox.markSent(entry.id)
                    setOnline(true)
                }
                answers[entry.id] = body
                emit(LaneEvent("sent", "sent \(entry.id): \(status == 201 ? "registered" : "already registered")",
                               ["id": entry.id, "status": status, "seq": int(body["seq"])]))
            case .unreachable(let why):
                state.withLock { setOnline(false) }
                emit(LaneEvent("queued", "queued \(state.withLock { outbox.unsent.count }) sale(s): \(why)",
                               ["unsent": state.withLock { outbox.unsent.count }]))
                return answers
            case .refused(let status, let code, let message, let field):
                if let mended = mend(payload, code: code, field: field) {
                    do {
                        try state.withLock { try outbox.replace(id: entry.id, body: try mended.encoded()) }
                        emit(LaneEvent("warning", "sale \(entry.id) refused (\(code)): \(message); sent again \(mended.receipt.card == nil && payload.receipt.card != nil ? "without the card" : "at the price paid")",
                                       ["id": entry.id, "code": code]))
                        continue
                    } catch {
                        park(entry.id, body: entry.body, reason: "\(status) \(code): \(message); mending failed: \(error)")
                    }
                } else {
                    park(entry.id, body: entry.body, reason: "\(status) \(code)\(field.map { " at \($0)" } ?? ""): \(message)")
                }
            }
        }
        return answers
    }

    /// A refused sale the lane can put right without a person: priced differently by the server
    /// than the lane had been told (it is sent with the discounts the customer paid), or a card
    /// the server does not know (it is sent without the card).
    private func mend(_ payload: OutboxPayload, code: String, field: String?) -> OutboxPayload? {
        guard var request = (try? JSONSerialization.jsonObject(with: Data(payload.request))) as? [String: Any] else { return nil }
        switch code {
        case "payment_mismatch" where request["offline_pricing"] == nil:
            request["offline_pricing"] = ["rules_version": Int(payload.receipt.rulesVersion),
                                          "lines": payload.receipt.lines.map { ["discount": $0.discount, "rules": $0.rules] }]
        case "unknown_customer" where request["customer"] != nil:
            let paysWithPoints = (request["payments"] as? [[String: Any]] ?? []).contains { $0["method"] as? String == "points" }
            guard !paysWithPoints else { return nil }
            request["customer"] = nil
        default:
            return nil
        }
        guard let bytes = try? JSONSerialization.data(withJSONObject: request, options: [.sortedKeys]) else { return nil }
        var receipt = payload.receipt
        if code == "unknown_customer" { receipt.card = nil }
        return OutboxPayload(request: Array(bytes), receipt: receipt)
    }

    /// Keeps a sale the server refuses for good in `refused/ID.json` for a person to settle,
    /// and lets the sales behind it go on.
    private func park(_ id: String, body: [UInt8], reason: String) {
        let directory = settings.dataDirectory + "/refused"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let request = (try? OutboxPayload(decoding: body)).map { String(decoding: $0.request, as: UTF8.self) } ?? ""
        let text = "{\"id\":\(JSONStringLiteral.quoted(id)),\"reason\":\(JSONStringLiteral.quoted(reason)),\"request\":\(request.isEmpty ? "null" : request)}\n"
        try? Data(text.utf8).write(to: URL(fileURLWithPath: "\(directory)/\(id).json"), options: .atomic)
        state.withLock { try? outbox.markSent(id) }
        emit(LaneEvent("error", "error: sale \(id) refused by the server: \(reason); kept in \(directory)/\(id).json for the back office",
                       ["id": id, "message": reason]))
    }

    // MARK: - Printing

    /// Prints the receipts the outbox holds unprinted (after a crash, or a printer that could not
    /// be reached), oldest first, except `except`.
    public func printUnprinted(except: String? = nil) {
        let waiting = state.withLock { outbox.unprinted }
        for entry in waiting where entry.id != except {
            guard let payload = try? OutboxPayload(decoding: entry.body) else { continue }
            printReceipt(payload.receipt, id: entry.id)
        }
    }

    private func printReceipt(_ receipt: LaneReceipt, id: String) {
        do {
            if let printer {
                try printer.print(receipt)
            } else {
                emit(LaneEvent("receipt", LaneReceiptText.lines(receipt).joined(separator: "\n"), ["id": id, "lines": LaneReceiptText.lines(receipt)]))
            }
            try state.withLock { try outbox.markPrinted(id) }
            emit(LaneEvent("printed", "printed \(id)", ["id": id]))
        } catch {
            emit(LaneEvent("error", "error: receipt \(id) not printed: \(error); it prints when the printer is ready", ["id": id, "message": "\(error)"]))
        }
    }

    private func openDrawer() {
        guard let printer else { return }
        do {
            try printer.openDrawer()
            emit(LaneEvent("drawer", "drawer opened"))
        } catch {
            emit(LaneEvent("error", "error: the drawer did not open: \(error)", ["message": "\(error)"]))
        }
    }
}
