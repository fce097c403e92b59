import Foundation
import KassaTestSupport
import Testing

/// Bad times over HTTP: a disk whose fsync fails, and a client over its rate limit.
@Suite("kassa serve: storage failures and rate limits", .serialized)
struct BadTimesTests {
    @Test func aFailedFsyncAnswers503AndNothingAcknowledgedIsLost() async throws {
        let data = TemporaryDirectories.fresh("kassa-eio")
        let server = try ServerProcess(data: data, environment: ["LD_PRELOAD": try buildFailingSyncShim(), "KASSA_FAIL_FDATASYNC_AFTER": "40"])
        var acknowledged: [String] = []
        var refusal: ServerProcess.Reply?
        for n in 0..<400 {
            let reply = try await server.call("POST", "/v1/sales", role: "till", json: saleBody("E\(n)"))
            if reply.status == 201 { acknowledged.append("E\(n)"); continue }
            refusal = reply
            break
        }
        let refused = try #require(refusal, "fdatasync never failed")
        #expect(refused.status == 503 && refused.code == "storage_failed")
        #expect(refused.headers["Retry-After"] != nil)
        // Every later change is refused too; reads still answer.
        let after = try await server.call("POST", "/v1/sales", role: "till", json: saleBody("AFTER"))
        #expect(after.status == 503 && after.code == "storage_failed")
        #expect(try await server.call("GET", "/v1/stats", role: "staff").status == 200)
        #expect(server.stop() == 0)

        // A restart without the failing disk recovers every acknowledged sale.
        let restarted = try ServerProcess(data: data)
        defer { _ = restarted.stop() }
        for id in acknowledged {
            #expect(try await restarted.call("GET", "/v1/sales/\(id)", role: "till").status == 200, "\(id) was acknowledged but is lost")
        }
        #expect(try await restarted.call("GET", "/v1/sales/AFTER", role: "till").status == 404)
    }

    @Test func overTheRateLimitAnswers429WithRetryAfter() async throws {
        let server = try ServerProcess(environment: ["KASSA_HTTP_REQUESTS_PER_SECOND_MAX": "5"])
        defer { _ = server.stop() }
        // Forty at once, so that the burst is over the limit however slowly a busy machine
        // answers each one.
        typealias Answer = (status: Int, code: String?, retryAfter: Bool)
        let replies = try await withThrowingTaskGroup(of: Answer.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    let reply = try await server.call("GET", "/v1/stats", role: "staff")
                    return (reply.status, reply.code, reply.headers["Retry-After"] != nil)
                }
            }
            var replies: [Answer] = []
            for try await reply in group { replies.append(reply) }
            return replies
        }
        let passed = replies.filter { $0.status == 200 }.count
        #expect(passed >= 10, "a burst of twice the rate goes through")
        #expect(replies.allSatisfy { $0.status == 200 || $0.status == 429 })
        let refused = try #require(replies.first { $0.status == 429 })
        #expect(refused.code == "rate_limited" && refused.retryAfter)
        // Another token has its own bucket.
        #expect(try await server.call("GET", "/v1/stats", role: "admin").status == 200)
    }
}

@Suite("kassa serve: a damaged journal stops start-up")
struct DamagedJournalTests {
    @Test func startUpStopsWithTheFileOffsetAndAPointerToWalVerify() async throws {
        let data = TemporaryDirectories.fresh("kassa-damaged")
        let server = try ServerProcess(data: data)
        for n in 0..<20 { _ = try await server.call("POST", "/v1/sales", role: "till", json: saleBody("D\(n)")) }
        #expect(server.stop() == 0)
        // Flip a byte inside the fifth record's payload: valid records follow it.
        let segment = try #require(try FileManager.default.contentsOfDirectory(atPath: data + "/journal").filter { $0.hasSuffix(".wal") }.sorted().first)
        let path = data + "/journal/" + segment
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        var offset = 4096
        for _ in 0..<4 {
            let length = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]) << 16
            offset += (16 + length + 7) & ~7
        }
        bytes[offset + 20] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: path))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: ServerProcess.binary)
        process.arguments = ["serve", "--data", data, "--port", "0"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(text.contains("recovery failed: the journal is damaged in \(path) at byte \(offset)"))
        #expect(text.contains("kassa wal verify"))
    }
}
