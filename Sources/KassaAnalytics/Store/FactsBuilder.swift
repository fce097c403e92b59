import KassaCore

/// Keeps `AnalyticsFacts` current as history arrives: each enrolment, sale, return and void is
/// folded into the per-customer, per-store-day and per-product-day aggregates, so a report or a
/// segmentation never rereads the history.
struct FactsBuilder {
    private(set) var facts = AnalyticsFacts()
    private var customerIndex: [String: Int32] = [:]
    private var storeIndex: [String: Int32] = [:]
    private var skuIndex: [String: Int32] = [:]
    private var storeDayIndex: [Int64: Int32] = [:]
    private var productDayIndex: [ProductDayKey: Int32] = [:]

    private struct ProductDayKey: Hashable {
        var sku: Int32
        var store: Int32
        var day: Int32
    }

    /// A customer enrolled (or enrolled again with a changed profile).
    mutating func enrol(card: String, name: String, source: String, enrolledDay: Int32, birthdate: LocalDate?) {
        if let index = customerIndex[card] {
            let i = Int(index)
            facts.customers[i].name = name
            facts.customers[i].source = source
            facts.customers[i].enrolledDay = enrolledDay
            facts.customers[i].birthdate = birthdate
            return
        }
        customerIndex[card] = Int32(facts.customers.count)
        facts.customers.append(CustomerFacts(card: card, name: name, source: source, enrolledDay: enrolledDay, birthdate: birthdate))
    }

    /// A sale: its store-day trade, the customer's purchase day, and each line's product-day.
    mutating func sale(store: String, day: Int32, customer: String?, subtotal: Int64, discount: Int64, total: Int64,
                       lines: [SoldLine]) {
        let s = self.store(store)
        let d = storeDay(s, day)
        facts.storeDays[d].receipts += 1
        facts.storeDays[d].subtotal += subtotal
        facts.storeDays[d].discount += discount
        facts.storeDays[d].revenue += total
        facts.storeDays[d].lines += Int64(lines.count)
        if let customer {
            facts.storeDays[d].loyaltyReceipts += 1
            addPurchase(customer: customer, day: day, store: s, receipts: 1, spend: total)
        }
        for line in lines {
            addProduct(sku: line.sku, store: s, day: day, qty: line.qtyThousandths, revenue: line.revenue)
        }
    }

    /// A return: refunds count on the day and store of the return; the customer's spend and the
    /// products' demand go down (the customer's on the day of the sale returned against).
    mutating func saleReturn(store: String, day: Int32, refund: Int64, sale: OriginalSale?, lines: [SoldLine]) {
        let s = self.store(store)
        facts.storeDays[storeDay(s, day)].refunds += refund
        if let sale, let customer = sale.customer {
            addPurchase(customer: customer, day: sale.day, store: self.store(sale.store), receipts: 0, spend: -refund)
        }
        for line in lines {
            addProduct(sku: line.sku, store: s, day: day, qty: -line.qtyThousandths, revenue: -line.revenue)
        }
    }

    /// A void cancels what is left of a sale: the receipt leaves its day's count, its refund
    /// leaves the day's revenue (earlier returns were refunds already), and the customer's
    /// purchase that day goes with it.
    mutating func void(sale: OriginalSale, refund: Int64, lineCount: Int64, remainingLines: [SoldLine]) {
        let s = store(sale.store)
        let d = storeDay(s, sale.day)
        facts.storeDays[d].receipts -= 1
        facts.storeDays[d].subtotal -= sale.subtotal
        facts.storeDays[d].discount -= sale.discount
        facts.storeDays[d].revenue -= refund
        facts.storeDays[d].lines -= lineCount
        if let customer = sale.customer {
            facts.storeDays[d].loyaltyReceipts -= 1
            addPurchase(customer: customer, day: sale.day, store: s, receipts: -1, spend: -refund)
        }
        for line in remainingLines {
            addProduct(sku: line.sku, store: s, day: sale.day, qty: -line.qtyThousandths, revenue: -line.revenue)
        }
    }

    mutating func setThroughSeq(_ seq: UInt64) { facts.throughSeq = seq }

    private mutating func addPurchase(customer card: String, day: Int32, store: Int32, receipts: Int32, spend: Int64) {
        let index: Int
        if let known = customerIndex[card] {
            index = Int(known)
        } else {
            // History that names a card the directory does not hold (a data dir projected before
            // the directory carried enrolment days): the first purchase stands in for enrolment.
            index = facts.customers.count
            customerIndex[card] = Int32(index)
            facts.customers.append(CustomerFacts(card: card, enrolledDay: day))
        }
        facts.customers[index].days.add(day: day, store: store, receipts: receipts, spend: spend)
    }

    private mutating func addProduct(sku: String, store: Int32, day: Int32, qty: Int64, revenue: Int64) {
        let skuIndex: Int32
        if let known = self.skuIndex[sku] {
            skuIndex = known
        } else {
            skuIndex = Int32(facts.skus.count)
            self.skuIndex[sku] = skuIndex
            facts.skus.append(sku)
        }
        let key = ProductDayKey(sku: skuIndex, store: store, day: day)
        if let index = productDayIndex[key] {
            facts.productDays[Int(index)].qtyThousandths += qty
            facts.productDays[Int(index)].revenue += revenue
        } else {
            productDayIndex[key] = Int32(facts.productDays.count)
            facts.productDays.append(ProductDayFacts(sku: skuIndex, store: store, day: day, qtyThousandths: qty, revenue: revenue))
        }
    }

    private mutating func store(_ code: String) -> Int32 {
        if let index = storeIndex[code] { return index }
        let index = Int32(facts.stores.count)
        storeIndex[code] = index
        facts.stores.append(code)
        return index
    }

    private mutating func storeDay(_ store: Int32, _ day: Int32) -> Int {
        let key = Int64(store) << 32 | Int64(UInt32(bitPattern: day))
        if let index = storeDayIndex[key] { return Int(index) }
        storeDayIndex[key] = Int32(facts.storeDays.count)
        facts.storeDays.append(StoreDayFacts(store: store, day: day))
        return facts.storeDays.count - 1
    }
}

/// A receipt line as analytics counts it: quantity and revenue after discounts.
struct SoldLine {
    var sku: String
    var qtyThousandths: Int64
    var revenue: Int64
}

/// What a return or void needs of the sale it refers to.
struct OriginalSale {
    var store: String
    var day: Int32
    var customer: String?
    var subtotal: Int64
    var discount: Int64
}

extension Array where Element == PurchaseDay {
    /// Adds receipts and spend to `day`, keeping days in order; a day left with no receipts (all
    /// voided) is removed. Purchases mostly arrive in day order, so the search starts at the end.
    mutating func add(day: Int32, store: Int32, receipts: Int32, spend: Int64) {
        var i = count
        while i > 0 && self[i - 1].day > day { i -= 1 }
        if i > 0 && self[i - 1].day == day {
            self[i - 1].receipts += receipts
            self[i - 1].spend += spend
            if self[i - 1].receipts <= 0 { remove(at: i - 1) }
        } else if receipts > 0 {
            insert(PurchaseDay(day: day, store: store, receipts: receipts, spend: spend), at: i)
        }
    }
}
