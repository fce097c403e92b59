import CLibPQ
import Foundation
import Synchronization

/// The rules both baselines register by, so that they agree with each other and with the load
/// tool's arithmetic: no discounts; 1 point per 100.00 of a carded sale and none spent; a return
/// refunds the lines it takes back, never more than was paid for them; a void takes back the
/// whole sale and its points; refusals carry Kassa's statuses and codes.
enum BaselineRules {
    /// Lines on one receipt or return, as Kassa limits them.
    static let linesPerReceiptMax = 1_000
    /// Thousandths of a piece or a kilogram on one line (10 tonnes). With `priceMax`, no
    /// amount or total can overflow Int64.
    static let qtyThousandthsMax: Int64 = 10_000_000
    /// Minor units per piece or kilogram.
    static let priceMax: Int64 = 100_000_000_000
    /// Minor units of a sale's total per point earned: 1 point per 100.00.
    static let minorUnitsPerPoint: Int64 = 10_000

    /// `qty × price` rounded half-up to a minor unit, as `LineDraft.amount` and Kassa compute it.
    static func amount(qty: Int64, price: Int64) -> Int64 { (qty * price + 500) / 1000 }

    static func pointsEarned(total: Int64, carded: Bool) -> Int64 { carded ? total / minorUnitsPerPoint : 0 }

    static func check(_ sale: SaleDraft) throws {
        guard !sale.lines.isEmpty, sale.lines.count <= linesPerReceiptMax else {
            throw Refusal(status: 422, code: "invalid_field", message: "a sale needs 1–\(linesPerReceiptMax) lines")
        }
        for line in sale.lines {
            guard line.qty > 0, line.qty <= qtyThousandthsMax, line.price >= 0, line.price <= priceMax else {
                throw Refusal(status: 422, code: "invalid_field", message: "\(line.sku): quantity or price out of range")
            }
        }
    }

    /// The sale's total at the prices on its lines, checked against the payment when there is one.
    static func total(of sale: SaleDraft, payment: Int64?) throws -> Int64 {
        try check(sale)
        let total = sale.subtotal
        if let payment, payment != total {
            throw Refusal(status: 422, code: "payment_mismatch", message: "paid \(payment), the sale comes to \(total)")
        }
        return total
    }

    /// The basket at the catalog's prices.
    static func subtotal(of sale: SaleDraft, prices: [String: Int64]) throws -> Int64 {
        var subtotal: Int64 = 0
        for line in sale.lines {
            guard let price = prices[line.sku] else {
                throw Refusal(status: 422, code: "invalid_field", message: "\(line.sku) is not in the catalog")
            }
            subtotal += amount(qty: line.qty, price: price)
        }
        return subtotal
    }

    static func check(_ draft: ReturnDraft) throws {
        guard !draft.lines.isEmpty, draft.lines.count <= linesPerReceiptMax else {
            throw Refusal(status: 422, code: "invalid_field", message: "a return needs 1–\(linesPerReceiptMax) lines")
        }
        for line in draft.lines where line.qty <= 0 || line.qty > qtyThousandthsMax {
            throw Refusal(status: 422, code: "invalid_field", message: "\(line.sku): quantity out of range")
        }
    }

    /// A line of a sale as stored, with what has come back of it so far.
    struct SoldLine: Sendable {
        var lineNo: Int
        var sku: String
        var qty: Int64
        var price: Int64
        var returned: Int64
    }

    /// What a return takes back: quantities added to the sale's lines, and the refund.
    struct Allocation: Sendable {
        var lineNos: [Int] = []
        var quantities: [Int64] = []
        var refund: Int64 = 0
    }

    /// Ties each returned quantity to the sale's lines of that SKU, first line first. A line's
    /// refund is what its returned quantity is worth after the return less what it was worth
    /// before, each rounded half-up: returning a line bit by bit refunds exactly what was paid.
    static func allocate(_ wanted: [(sku: String, qty: Int64)], against sold: [SoldLine], sale: String) throws -> Allocation {
        var returned = sold.map(\.returned)
        for line in wanted {
            var left = line.qty
            var found = false
            for index in sold.indices where sold[index].sku == line.sku {
                found = true
                let take = min(left, max(0, sold[index].qty - returned[index]))
                returned[index] += take
                left -= take
            }
            guard found else {
                throw Refusal(status: 422, code: "return_exceeds_sale", message: "\(line.sku) was not sold on \(sale)")
            }
            guard left == 0 else {
                throw Refusal(status: 422, code: "return_exceeds_sale",
                              message: "only \(line.qty - left) thousandths of \(line.sku) are left to return on \(sale)")
            }
        }
        var allocation = Allocation()
        for index in sold.indices where returned[index] != sold[index].returned {
            allocation.lineNos.append(sold[index].lineNo)
            allocation.quantities.append(returned[index] - sold[index].returned)
            allocation.refund += amount(qty: returned[index], price: sold[index].price)
                - amount(qty: sold[index].returned, price: sold[index].price)
        }
        return allocation
    }

    static func unknownSale(_ sale: String) -> Refusal {
        Refusal(status: 422, code: "unknown_sale", message: "sale \(sale) is unknown")
    }

    static func saleVoided(_ sale: String) -> Refusal {
        Refusal(status: 422, code: "sale_voided", message: "sale \(sale) was voided")
    }

    static func saleHasReturns(_ sale: String) -> Refusal {
        Refusal(status: 422, code: "sale_has_returns", message: "sale \(sale) has returns; return the remaining lines instead")
    }

    static func unknownCustomer(_ card: String) -> Refusal {
        Refusal(status: 404, code: "unknown_customer", message: "card \(card) is not enrolled")
    }
}
