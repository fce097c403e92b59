import Foundation
import KassaCore
import KassaDevices
import KassaLoyalty

/// The lane: the cashier's actions (typed, or scanned by a keyboard-wedge or serial scanner)
/// build a basket, which is priced, paid, registered and printed. Every sale goes through the
/// durable outbox before its receipt is printed, and leaves it only when the server has it, so
/// the lane keeps selling while the server is away and nothing is lost or counted twice.
public final class Lane: @unchecked Sendable {
    /// Who and where the lane is.
    public struct Settings: Sendable {
        public var store: String
        public var terminal: String
        public var cashier: String
        /// The outbox and the catalog cache live here.
        public var dataDirectory: String
        /// How the store's scales print weighed goods (tried in order after an exact match).
        public var weighedGoods: [WeighedGoodsLayout]

        public init(store: String, terminal: String, cashier: String, dataDirectory: String,
                    weighedGoods: [WeighedGoodsLayout] = [.russianScales]) {
            self.store = store
            self.terminal = terminal
            self.cashier = cashier
            self.dataDirectory = dataDirectory
            self.weighedGoods = weighedGoods
        }
    }

    let settings: Settings
    let client: LaneServerClient
    let printer: LanePrinter?
    let emit: (LaneEvent) -> Void
    let pricing = LoyaltyPricing()
    /// Guards the outbox, the catalog and `online` between the cashier's thread and the sender.
    let state = NSLock()
    /// Held while a sale is on its way to the server, so sales leave in order, one at a time.
    let sending = NSLock()
    let outbox: LaneOutbox
    var catalog: LaneCatalog
    var online = true

    var basket = Basket()
    var price: LanePrice?
    var payments: [LanePayment] = []
    var lastIdMilliseconds: Int64 = 0

    /// Opens the lane's outbox and catalog cache in `settings.dataDirectory`.
    public init(settings: Settings, client: LaneServerClient, printer: LanePrinter?, emit: @escaping (LaneEvent) -> Void) throws {
        self.settings = settings
        self.client = client
        self.printer = printer
        self.emit = emit
        try FileManager.default.createDirectory(atPath: settings.dataDirectory, withIntermediateDirectories: true)
        outbox = try LaneOutbox(directory: settings.dataDirectory + "/outbox")
        catalog = try LaneCatalog.load(directory: settings.dataDirectory)
    }

    /// Fetches the catalog and rules (keeping the cache when the server is away), prints the
    /// receipts a crash left unprinted, and sends what the outbox holds.
    public func start() {
        refreshCatalog()
        printUnprinted()
        sendOutbox()
    }

    /// Fetches the catalog and the rules; on failure the lane goes on with its cache.
    public func refreshCatalog() {
        let fetched = LaneCatalog.fetch(from: client)
        state.lock()
        defer { state.unlock() }
        if let items = fetched.items {
            catalog = LaneCatalog(items: items, rules: fetched.rules ?? catalog.rules)
            try? catalog.save(directory: settings.dataDirectory)
            setOnline(true)
            emit(LaneEvent("catalog", "catalog: \(items.count) products, rules version \(catalog.rules?.version ?? 0)",
                           ["products": items.count, "rules_version": Int(catalog.rules?.version ?? 0)]))
        } else {
            setOnline(false)
            emit(LaneEvent("catalog", "catalog: server unreachable, selling from the cached \(catalog.items.count) products",
                           ["products": catalog.items.count, "cached": true]))
        }
    }

    /// Handles one line of cashier input; false once the lane should stop (`quit`).
    public func handle(_ line: String) -> Bool {
        reportingErrors {
            guard let action = try CashierAction.parse(line) else { return true }
            return try perform(action)
        } ?? true
    }

    /// A code from a scanner device (not typed: it is never read as a command).
    public func scanned(_ code: String) {
        reportingErrors { try scan(code) }
    }

    /// Runs `body`; a failure becomes an `error` event (the cashier reads it and carries on).
    @discardableResult
    private func reportingErrors<T>(_ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch let error as CashierInputError {
            emit(LaneEvent("error", "error: \(error.message)", ["message": error.message]))
        } catch {
            emit(LaneEvent("error", "error: \(error)", ["message": "\(error)"]))
        }
        return nil
    }

    /// Whether the basket is empty and nothing is being paid.
    public var isSettled: Bool { basket.isEmpty && payments.isEmpty }

    private func perform(_ action: CashierAction) throws -> Bool {
        switch action {
        case .scan(let code): try scan(code)
        case .quantity(let qty):
            try requireNoPayment()
            basket.nextQuantity = qty
            emit(LaneEvent("qty", "qty \(qty.description) for the next item", ["qty": qty.description]))
        case .card(let card):
            try requireNoPayment()
            basket.card = card
            price = nil
            emit(LaneEvent("card", "card \(card)", ["card": card.description]))
        case .voidLast:
            try requireNoPayment()
            let line = try basket.removeLast()
            price = nil
            emit(LaneEvent("void", "void \(line.name) \(LaneEvent.money(line.amount))", ["sku": line.sku, "amount": line.amount]))
        case .total:
            guard !basket.isEmpty else { throw CashierInputError("the basket is empty: scan something first") }
            let priced = try priceBasket()
            emitTotal(priced)
        case .pay(let method, let amount):
            try pay(method, amount: amount)
        case .cancel:
            guard !basket.isEmpty || !payments.isEmpty else { throw CashierInputError("nothing to cancel") }
            let paid = payments.reduce(0) { $0 + $1.amount }
            basket = Basket()
            price = nil
            payments = []
            emit(LaneEvent("cancel", paid > 0 ? "cancelled; hand back \(LaneEvent.money(paid)) taken" : "cancelled", ["returned": paid]))
        case .closeShift:
            try requireNoPayment()
            guard basket.isEmpty else { throw CashierInputError("pay or cancel the basket before closing the shift") }
            closeShift()
        case .quit:
            guard isSettled else { throw CashierInputError("the basket is open: pay or cancel it before quitting") }
            return false
        }
        return true
    }

    private func requireNoPayment() throws(CashierInputError) {
        guard payments.isEmpty else { throw CashierInputError("a payment is under way: finish it or cancel the basket") }
    }

    /// A scanned or typed code: the catalog item it names, with the quantity the cashier set,
    /// the weight or price a scale printed into it, or 1.
    func scan(_ code: String) throws {
        try requireNoPayment()
        let (item, measured) = try lookUp(code)
        var qty = basket.nextQuantity ?? Quantity(pieces: 1)
        var price = item.price
        switch measured {
        case .weight(let weight)?: qty = weight
        case .price(let minorUnits)?:
            qty = Quantity(pieces: 1)
            price = minorUnits
        case nil: break
        }
        guard item.weighed || qty.isWhole else {
            throw CashierInputError("\(item.name) is sold by the piece: qty must be whole")
        }
        let line = BasketLine(sku: item.sku, name: item.name, qty: qty, price: price, category: item.category, weighed: item.weighed)
        try basket.add(line)
        self.price = nil
        emit(LaneEvent("item", "item \(item.name) \(qty.description) × \(LaneEvent.money(price)) = \(LaneEvent.money(line.amount))",
                       ["sku": item.sku, "name": item.name, "qty": qty.description, "price": price,
                        "amount": line.amount, "subtotal": basket.subtotal]))
    }

    /// The catalog item behind a code: the code itself; else the GTIN it carries (a UPC-A as its
    /// EAN-13, a GS1 DataMatrix marking code by its AI 01); else a scale's weighed-goods code.
    private func lookUp(_ code: String) throws -> (LaneCatalog.Item, WeighedGoodsCode.Measure?) {
        if let item = state.withLock({ catalog.item(code) }) { return (item, nil) }
        let barcode: Barcode
        do {
            barcode = try Barcode(scanned: Array(code.utf8))
        } catch {
            throw CashierInputError("barcode \(code) does not read: \(error.message)")
        }
        let key = barcode.gtin?.code ?? barcode.text
        if let item = state.withLock({ catalog.item(key) }) { return (item, nil) }
        for layout in settings.weighedGoods where layout.matches(key) {
            do {
                if let weighed = try layout.decode(key), let item = state.withLock({ catalog.item(weighed.lookupCode.code) }) {
                    return (item, weighed.measure)
                }
            } catch {
                throw CashierInputError("weighed-goods code \(key) does not read: \(error.message)")
            }
        }
        throw CashierInputError("barcode \(code) is not in the catalog")
    }

    func emitTotal(_ priced: LanePrice) {
        var fields: [String: Any] = ["subtotal": priced.subtotal, "discount": priced.discount, "total": priced.total, "offline": priced.offline]
        if let earned = priced.pointsEarned { fields["points_earned"] = earned }
        emit(LaneEvent("total", "total \(LaneEvent.money(priced.total)) (subtotal \(LaneEvent.money(priced.subtotal)), discount \(LaneEvent.money(priced.discount)))\(priced.offline ? ", priced offline" : "")", fields))
    }

    func setOnline(_ reachable: Bool) {
        guard reachable != online else { return }
        online = reachable
        emit(reachable ? LaneEvent("online", "server reachable again") : LaneEvent("offline", "server unreachable: selling offline"))
    }

    private func closeShift() {
        // The Z-report must count every sale of the shift: the queue goes first.
        sendOutbox(waiting: true)
        let waiting = state.withLock { outbox.unsent.count }
        guard waiting == 0 else {
            emit(LaneEvent("error", "error: \(waiting) sale(s) are still waiting for the server; the shift closes once they are sent",
                           ["unsent": waiting]))
            return
        }
        switch client.call("POST", "/v1/shifts/\(settings.terminal)/close") {
        case .answered(_, let body):
            emit(LaneEvent("shift", "shift closed: \(body["receipts"] as? Int ?? 0) receipts, net \(LaneEvent.money((body["net"] as? NSNumber)?.int64Value ?? 0))",
                           ["report": body]))
        case .refused(_, let code, let message, _):
            emit(LaneEvent("error", "error: shift not closed: \(message)", ["code": code, "message": message]))
        case .unreachable(let why):
            state.withLock { setOnline(false) }
            emit(LaneEvent("error", "error: the shift can only be closed with the server: \(why)", ["message": why]))
        }
    }
}
