import Foundation
import Synchronization
import Testing
@testable import KassaLoadTest

@Suite("PostgreSQL baseline", .serialized)
struct PostgresBaselineTests {
    @Test("sales from four sessions, a return, a void and replays add up to the totals PostgreSQL counts")
    func salesReturnsVoidsAndReplaysAddUp() async throws {
        let target = try await PostgresTarget.start()
        await BaselineScenario.run(on: target)
        await target.shutdown()
        #expect(!FileManager.default.fileExists(atPath: target.cluster.directory.path))
    }

    @Test("the cluster runs with the durable settings, and stop removes its directory and frees its port")
    func clusterIsDurableAndStopCleansUp() async throws {
        let cluster = try await PostgresCluster.start()
        do {
            #expect(FileManager.default.fileExists(atPath: cluster.dataDirectory.path))
            #expect(!SocketPort.isFree(cluster.port))
            let session = try await PostgresSession.open(cluster.connectionString, threadName: "test", preparing: false)
            let settings = try await session.perform { db in
                try ["fsync", "synchronous_commit", "full_page_writes", "max_connections", "shared_buffers"].map { name in
                    try db.execute("SHOW \(name)").text(0, 0)
                }
            }
            await session.close()
            #expect(settings == ["on", "on", "on", "300", "256MB"])
            #expect(cluster.majorVersion >= 12)
        } catch {
            try? await cluster.stop()
            throw error
        }
        try await cluster.stop()
        #expect(!FileManager.default.fileExists(atPath: cluster.directory.path))
        #expect(SocketPort.isFree(cluster.port))
        try await cluster.stop()
    }
}

@Suite("SQLite baseline")
struct SQLiteBaselineTests {
    @Test("sales from four sessions, a return, a void and replays add up to the totals SQLite counts")
    func salesReturnsVoidsAndReplaysAddUp() async throws {
        let target = try await SQLiteTarget.start()
        await BaselineScenario.run(on: target)
        await target.shutdown()
        #expect(!FileManager.default.fileExists(atPath: target.directory.path))
    }
}

/// The one scenario both baselines must pass: what the sessions answered, summed, is what the
/// target reports of itself.
enum BaselineScenario {
    static let at = "2026-11-22T10:15:00+03:00"
    static let sessionCount = 4
    static let saleCount = 400

    static var workload: Workload {
        var profile = Profile.small
        profile.skus = 300
        profile.members = 200
        return Workload(profile: profile, seed: 1, runTag: "t")
    }

    static func run(on target: some LoadTarget) async {
        do {
            try await exercise(target)
        } catch {
            Issue.record("\(target.name): \(error)")
        }
    }

    private static func exercise(_ target: some LoadTarget) async throws {
        let workload = workload
        let loaded = Mutex((done: 0, total: 0))
        try await target.prepare(workload) { done, total in loaded.withLock { $0 = (done, total) } }
        #expect(loaded.withLock { $0 } == (workload.profile.skus + workload.profile.members, workload.profile.skus + workload.profile.members))

        let sales = checkouts(saleCount, of: workload)
        var sessions: [any LoadSession] = []
        for _ in 0..<sessionCount { sessions.append(try await target.openSession()) }
        let started = ContinuousClock.now
        var acknowledged = try await registerConcurrently(sales, on: sessions)
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("\(target.name): \(sales.count) sales from \(sessionCount) sessions in \(String(format: "%.2f", seconds)) s, "
              + "\(String(format: "%.0f", Double(sales.count) / seconds)) sales/s")

        let session = sessions[0]
        // A return of the first line: one piece, or the whole weight of a weighed line.
        let returned = sales[0]
        let line = returned.lines[0]
        let qty = line.qty % 1000 != 0 ? line.qty : 1000
        let saleReturn = ReturnDraft(id: "t-R1", sale: returned.id, store: returned.store, terminal: returned.terminal,
                                     cashier: returned.cashier, lines: [(line.sku, qty)])
        let refund = try await session.saleReturn(saleReturn, at: at)
        #expect(refund == RefundOutcome(refund: (qty * line.price + 500) / 1000))
        acknowledged.returns += 1
        acknowledged.revenue -= refund.refund
        #expect(try await session.saleReturn(saleReturn, at: at) == RefundOutcome(refund: refund.refund, replayed: true))

        let soldOfSku = returned.lines.filter { $0.sku == line.sku }.reduce(0) { $0 + $1.qty }
        var tooMuch = saleReturn
        tooMuch.id = "t-R2"
        tooMuch.lines = [(line.sku, soldOfSku - qty + 1000)]
        await expectRefusal("return_exceeds_sale") { try await session.saleReturn(tooMuch, at: at) }
        tooMuch.lines = [("0000000000000", 1000)]
        await expectRefusal("return_exceeds_sale") { try await session.saleReturn(tooMuch, at: at) }
        tooMuch.sale = "t-no-such-sale"
        await expectRefusal("unknown_sale") { try await session.saleReturn(tooMuch, at: at) }

        // A void of a carded sale that earned points takes back its total and its points.
        guard let voided = sales.dropFirst().first(where: { $0.customer != nil && $0.subtotal >= 10_000 }) else {
            Issue.record("the workload has no carded sale of 100.00 or more")
            return
        }
        let void = VoidDraft(id: "t-V1", sale: voided.id, store: voided.store, terminal: voided.terminal, cashier: voided.cashier)
        let voidRefund = try await sessions[1].void(void, at: at)
        #expect(voidRefund == RefundOutcome(refund: voided.subtotal, pointsEarnedReversed: voided.subtotal / 10_000))
        acknowledged.voids += 1
        acknowledged.revenue -= voidRefund.refund
        acknowledged.pointsEarned -= voidRefund.pointsEarnedReversed
        #expect(try await sessions[1].void(void, at: at).replayed)
        var again = void
        again.id = "t-V2"
        await expectRefusal("sale_voided") { try await sessions[1].void(again, at: at) }
        again.sale = returned.id
        await expectRefusal("sale_has_returns") { try await sessions[1].void(again, at: at) }
        var returnOfVoided = saleReturn
        returnOfVoided.id = "t-R3"
        returnOfVoided.sale = voided.id
        returnOfVoided.lines = [(voided.lines[0].sku, 1)]
        await expectRefusal("sale_voided") { try await session.saleReturn(returnOfVoided, at: at) }

        // The same sale again answers what it answered the first time, and counts once.
        let replay = try await sessions[2].sale(sales[2], at: at, payment: sales[2].subtotal)
        #expect(replay == SaleOutcome(total: sales[2].subtotal, pointsEarned: sales[2].customer == nil ? 0 : sales[2].subtotal / 10_000,
                                      replayed: true))
        var mismatched = sales[3]
        mismatched.id = "t-mismatch"
        await expectRefusal("payment_mismatch") { try await sessions[3].sale(mismatched, at: at, payment: mismatched.subtotal + 1) }

        try await sessions[3].lookup(card: workload.members.card(0))
        await expectRefusal("unknown_customer") { try await sessions[3].lookup(card: "7799999999999") }
        try await sessions[3].closeShift(store: returned.store, terminal: returned.terminal)
        try await sessions[3].closeShift(store: returned.store, terminal: returned.terminal)

        #expect(try await target.totals() == acknowledged)
        for session in sessions { await session.close() }
    }

    /// The first `count` sales of the workload's closed-loop schedule.
    static func checkouts(_ count: Int, of workload: Workload) -> [SaleDraft] {
        var schedule = VisitSchedule(workload: workload, rate: nil)
        var sales: [SaleDraft] = []
        while sales.count < count {
            if case .checkout(let sale, _) = schedule.next().kind { sales.append(sale) }
        }
        return sales
    }

    /// Each session quotes and registers every `sessions.count`-th sale, all sessions at once;
    /// answers the sum of what they were told.
    static func registerConcurrently(_ sales: [SaleDraft], on sessions: [any LoadSession]) async throws -> SystemTotals {
        try await withThrowingTaskGroup(of: SystemTotals.self) { group in
            for (number, session) in sessions.enumerated() {
                group.addTask {
                    var told = SystemTotals()
                    for sale in stride(from: number, to: sales.count, by: sessions.count).map({ sales[$0] }) {
                        #expect(try await session.quote(sale, at: at) == sale.subtotal)
                        let outcome = try await session.sale(sale, at: at, payment: sale.subtotal)
                        #expect(outcome.total == sale.subtotal && !outcome.replayed)
                        told.receipts += 1
                        told.revenue += outcome.total
                        told.pointsEarned += outcome.pointsEarned
                    }
                    return told
                }
            }
            var sum = SystemTotals()
            for try await told in group {
                sum.receipts += told.receipts
                sum.revenue += told.revenue
                sum.pointsEarned += told.pointsEarned
            }
            return sum
        }
    }

    static func expectRefusal(_ code: String, sourceLocation: SourceLocation = #_sourceLocation,
                              _ body: () async throws -> some Any) async {
        do {
            _ = try await body()
            Issue.record("expected the refusal \(code), got an answer", sourceLocation: sourceLocation)
        } catch let refusal as Refusal {
            #expect(refusal.code == code, sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected the refusal \(code), got \(error)", sourceLocation: sourceLocation)
        }
    }
}
