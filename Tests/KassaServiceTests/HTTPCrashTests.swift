import Foundation
import KassaTestSupport
import Testing

/// The journal's crash test over HTTP: many concurrent clients post sales, the server is killed
/// with SIGKILL under load, restarted, and every sale that got a 2xx must be readable, exactly
/// once, with the shift totals matching the sales present.
@Suite("kassa serve: SIGKILL under HTTP load", .serialized)
struct HTTPCrashTests {
    /// Ids a client got a 2xx for, and ids it sent without an answer.
    final class Ledgerbook: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var acknowledged: Set<String> = []
        private(set) var attempted: [String: (terminal: String, total: Int)] = [:]

        func sent(_ id: String, terminal: String, total: Int) {
            lock.lock(); attempted[id] = (terminal, total); lock.unlock()
        }

        func acked(_ id: String) {
            lock.lock(); acknowledged.insert(id); lock.unlock()
        }

        var acknowledgedCount: Int {
            lock.lock(); defer { lock.unlock() }
            return acknowledged.count
        }
    }

    /// Answers each run waits for before its kill: five runs then always exceed the 200 the
    /// test asks for, on a slow machine too.
    static let answersBeforeKill = 45

    @Test func everyAcknowledgedSaleSurvivesKillsExactlyOnce() async throws {
        let data = TemporaryDirectories.fresh("kassa-http-crash")
        let book = Ledgerbook()
        let kills = 5
        for run in 1...kills {
            let server = try ServerProcess(data: data)
            let stop = ManagedAtomicFlag()
            let clients = Task {
                await withTaskGroup(of: Void.self) { group in
                    for client in 0..<16 {
                        group.addTask {
                            var n = 0
                            while !stop.isSet {
                                n += 1
                                let id = "K\(run)-C\(client)-\(n)"
                                let terminal = "T\(client % 4)"
                                let qty = 1 + (n % 3)
                                let price = 1000 + client * 10 + n % 100
                                book.sent(id, terminal: terminal, total: qty * price)
                                let body = saleBody(id, terminal: terminal, lines: [["sku": "4607001234562", "qty": qty, "price": price]])
                                guard let reply = try? await server.call("POST", "/v1/sales", role: "till", json: body) else { return }
                                if reply.status == 201 || reply.status == 200 { book.acked(id) }
                            }
                        }
                    }
                }
            }
            // Kill under load: once this run has had answers (however fast this machine is),
            // then at a random moment.
            let before = book.acknowledgedCount
            let deadline = ContinuousClock.now + .seconds(30)
            while book.acknowledgedCount < before + HTTPCrashTests.answersBeforeKill, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...600)))
            kill(server.process.processIdentifier, SIGKILL)
            stop.set()
            await clients.value
            server.process.waitUntilExit()
            #expect(server.process.terminationReason == .uncaughtSignal)
        }
        #expect(book.acknowledged.count > 200, "the kills came under load: \(book.acknowledged.count) acknowledged")

        // Recover and check every sale that was sent.
        let server = try ServerProcess(data: data)
        defer { _ = server.stop() }
        var present: [String: (terminal: String, total: Int)] = [:]
        for (id, sale) in book.attempted {
            let reply = try await server.call("GET", "/v1/sales/\(id)", role: "till")
            if reply.status == 200 {
                #expect(reply.body["total"] as? Int == sale.total, "\(id) has another total")
                present[id] = sale
            } else {
                #expect(!book.acknowledged.contains(id), "\(id) was acknowledged but is lost")
            }
        }
        #expect(book.acknowledged.isSubset(of: Set(present.keys)))
        let stats = try await server.call("GET", "/v1/stats", role: "staff").body
        #expect(stats["receipts"] as? Int == present.count, "a sale was counted twice or lost")
        #expect(stats["revenue"] as? Int == present.values.reduce(0) { $0 + $1.total })
        for terminal in ["T0", "T1", "T2", "T3"] {
            let shift = try await server.call("GET", "/v1/shifts/\(terminal)", role: "till").body
            let expected = present.values.filter { $0.terminal == terminal }
            #expect(shift["receipts"] as? Int == expected.count, "\(terminal) receipts")
            #expect(shift["sales"] as? Int == expected.reduce(0) { $0 + $1.total }, "\(terminal) sales")
        }
    }
}

/// A flag set once, read from many tasks.
final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}
