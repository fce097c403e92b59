import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import KassaTestSupport
import Testing
@testable import KassaLoadTest
import KassaCore

/// `kassa loadtest` as a user runs it: the real binary, its own real server on loopback.
@Suite("kassa loadtest end to end", .serialized)
struct LoadTestRunTests {
    struct Finished {
        var status: Int32
        var output: String
    }

    /// Runs `kassa ARGS`, collecting standard output and error; with `interruptAfter`, sends it
    /// SIGINT that many seconds after it says the goods and members are loaded and the load
    /// begins (loading alone takes seconds on a busy machine).
    func kassa(_ arguments: [String], interruptAfter: Double? = nil) async throws -> Finished {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: builtExecutable("kassa"))
        process.arguments = arguments
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-loadtest-\(UUID().uuidString).log").path
        try #require(FileManager.default.createFile(atPath: log, contents: nil), "could not create \(log)")
        let handle = try #require(FileHandle(forWritingAtPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        if let interruptAfter {
            while process.isRunning, !((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains(": loaded in ") {
                try await Task.sleep(nanoseconds: 50_000_000)
            }
            try await Task.sleep(nanoseconds: UInt64(interruptAfter * 1e9))
            if process.isRunning { kill(process.processIdentifier, SIGINT) }
        }
        while process.isRunning { try await Task.sleep(nanoseconds: 50_000_000) }
        try handle.close()
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: log)
        return Finished(status: process.terminationStatus, output: output)
    }

    /// The count column of an operation's row in the summary table.
    func count(_ operation: String, in output: String) -> Int? {
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.first == Substring(operation), fields.count > 2 { return Int(fields[1].replacingOccurrences(of: ",", with: "")) }
        }
        return nil
    }

    @Test("a 10-second run of the small profile sells, returns, closes shifts and passes verification")
    func shortRun() async throws {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-report-\(UUID().uuidString).html").path
        defer { try? FileManager.default.removeItem(atPath: report) }
        let run = try await kassa(["loadtest", "--profile", "small", "--duration", "10", "--rate", "40", "--seed", "3", "--report", report])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("verification: PASSED"), "\(run.output)")
        // 40 receipts/s for 10 s arrive; each is quoted first.
        let sales = try #require(count("sale", in: run.output), "\(run.output)")
        #expect(sales > 300 && sales < 500, "\(run.output)")
        #expect(count("quote", in: run.output) == sales, "\(run.output)")
        #expect((count("return", in: run.output) ?? 0) > 0, "\(run.output)")
        #expect((count("close_shift", in: run.output) ?? 0) > 0, "\(run.output)")
        let html = try String(contentsOfFile: report, encoding: .utf8)
        #expect(html.contains("<svg"))
    }

    @Test("totals that differ from what was acknowledged fail the run with exit status 1")
    func mismatch() async throws {
        let server = try await OwnServer.start(executable: builtExecutable("kassa"), keepData: false) { _ in }
        // Someone else sells on the same server while the load test runs: the server's
        // receipts and revenue grow by more than the tool was told. The other seller runs on a
        // thread of its own with blocking requests, so that it keeps selling however busy the
        // test process's task pool is with other suites.
        let outsider = OutsideSeller(url: "http://127.0.0.1:\(server.port)/v1/sales", token: server.token)
        outsider.start()
        let run = try await kassa(["loadtest", "--url", "http://127.0.0.1:\(server.port)", "--token", server.token,
                                   "--profile", "small", "--skus", "200", "--members", "100", "--duration", "5", "--rate", "10"])
        let sold = outsider.stop()
        await server.stop()
        #expect(sold > 0)
        #expect(run.status == 1, "\(run.output)")
        #expect(run.output.contains("receipts: acknowledged"), "\(run.output)")
        #expect(run.output.contains("revenue: acknowledged"), "\(run.output)")
    }

    @Test("an open-loop run serves every checkout due within its time, however many connections wait ahead")
    func everyDueVisitIsServed() async throws {
        // 64 connections at 20 receipts/s each hold a visit up to 3 s ahead of the clock.
        let run = try await kassa(["loadtest", "--profile", "small", "--duration", "6", "--rate", "20", "--connections", "64", "--seed", "9"])
        #expect(run.status == 0, "\(run.output)")
        var schedule = VisitSchedule(workload: Workload(profile: .small, seed: 9, runTag: "x"), rate: 20)
        var due = 0
        while true {
            let visit = schedule.next()
            if visit.due >= 6 { break }
            if case .checkout = visit.kind { due += 1 }
        }
        #expect(count("sale", in: run.output) == due, "\(run.output)")
    }

    @Test("a server offered more than it can do serves the backlog, and what never started is counted, not dropped")
    func overload() async throws {
        let run = try await kassa(["loadtest", "--profile", "small", "--duration", "2", "--rate", "3000", "--seed", "5"])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("verification: PASSED"), "\(run.output)")
        var schedule = VisitSchedule(workload: Workload(profile: .small, seed: 5, runTag: "x"), rate: 3000)
        var due = 0
        while true {
            let visit = schedule.next()
            if visit.due >= 2 { break }
            if case .checkout = visit.kind { due += 1 }
        }
        let served = count("sale", in: run.output) ?? 0
        var notStarted = 0
        for line in run.output.split(separator: "\n") where line.contains("not started: the server fell behind") {
            notStarted = Int(line.split(separator: "×").last?.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: "") ?? "") ?? -1
        }
        #expect(served + notStarted == due, "served \(served), not started \(notStarted), due \(due): \(run.output)")
    }

    @Test("Ctrl-C ends the load early, and the run still verifies, reports and exits 130")
    func interrupted() async throws {
        let run = try await kassa(["loadtest", "--profile", "small", "--duration", "120", "--rate", "20"], interruptAfter: 3)
        #expect(run.status == 130, "\(run.output)")
        #expect(run.output.contains("interrupted after"), "\(run.output)")
        #expect(run.output.contains("verification: PASSED"), "\(run.output)")
        #expect((count("sale", in: run.output) ?? 0) > 0, "\(run.output)")
    }

    @Test("bad flags are refused with a message before anything starts")
    func badFlags() async throws {
        let cases: [([String], String)] = [
            (["--profile", "mall"], "--profile must be hypermarket, chain or small"),
            (["--rate", "10", "--closed"], "--rate and --closed exclude each other"),
            (["--compare", "mysql"], "--compare takes postgres, sqlite"),
            (["--url", "http://127.0.0.1:1"], "--url needs --token"),
            (["--duration", "0"], "--duration must be more than 0"),
        ]
        for (arguments, message) in cases {
            let run = try await kassa(["loadtest"] + arguments)
            #expect(run.status != 0)
            #expect(run.output.contains(message), "\(arguments): \(run.output)")
        }
    }

    @Test("a server that cannot be reached is named, with the reason, and exits 2")
    func unreachableServer() async throws {
        // Nothing listens on port 1 of the loopback here.
        let run = try await kassa(["loadtest", "--profile", "small", "--url", "http://127.0.0.1:1", "--token", "x", "--duration", "1"])
        #expect(run.status == 2)
        #expect(run.output.contains("cannot reach the server at http://127.0.0.1:1: Connection refused"), "\(run.output)")
    }
}

/// Sells one-line receipts to a server every 100 ms on a thread of its own until stopped.
final class OutsideSeller: @unchecked Sendable {
    private let url: URL
    private let token: String
    private let state = NSCondition()
    private var stopping = false
    private var stopped = false
    private var acknowledged = 0

    init(url: String, token: String) {
        self.url = URL(string: url)!
        self.token = token
    }

    func start() {
        Thread { [self] in
            var number = 0
            while !isStopping {
                number += 1
                let sale = SaleDraft(id: "outsider-\(number)", store: "X", terminal: "X-1", cashier: "C0", customer: nil,
                                     lines: [LineDraft(sku: GeneratedCatalog.ean13(prefix: "460", number: 99_999), qty: 1000, price: 1990, category: "grocery")])
                var request = URLRequest(url: url, timeoutInterval: 10)
                request.httpMethod = "POST"
                request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                request.httpBody = Data(WireBody.bytes { WireBody.sale(sale, at: Timestamp.nowText(), payment: nil, into: &$0) })
                let done = DispatchSemaphore(value: 0)
                let answered = Mutex(false)
                URLSession.shared.dataTask(with: request) { _, response, _ in
                    answered.withLock { $0 = (response as? HTTPURLResponse)?.statusCode == 201 }
                    done.signal()
                }.resume()
                done.wait()
                if answered.withLock({ $0 }) {
                    state.lock()
                    acknowledged += 1
                    state.unlock()
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
            state.lock()
            stopped = true
            state.broadcast()
            state.unlock()
        }.start()
    }

    private var isStopping: Bool {
        state.lock()
        defer { state.unlock() }
        return stopping
    }

    /// Stops selling; answers how many sales the server acknowledged.
    func stop() -> Int {
        state.lock()
        defer { state.unlock() }
        stopping = true
        while !stopped { state.wait() }
        return acknowledged
    }
}
