import Foundation
import Testing
@testable import KassaService

@Suite("Token hashing and lookup")
struct TokenHashTests {
    /// FIPS 180-4 examples and lengths around the one- and two-block padding boundaries,
    /// checked against the system's sha256sum.
    @Test func digestsMatchSHA256() throws {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        for length in [55, 56, 63, 64, 65, 119, 120, 128, 200] {
            let text = String((0..<length).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
            let expected = try sha256sum(text)
            #expect(SHA256.hex(text) == expected, "length \(length)")
        }
    }

    @Test func digestParsesItsOwnHexAndRefusesOtherText() {
        let digest = SHA256.digest("a token")
        #expect(SHA256.Digest(hex: digest.hex) == digest)
        #expect(SHA256.Digest(hex: digest.hex.uppercased()) == digest)
        #expect(SHA256.Digest(hex: String(digest.hex.dropLast())) == nil)
        #expect(SHA256.Digest(hex: String(digest.hex.dropLast()) + "g") == nil)
        #expect(SHA256.digest("a token!") != digest)
    }

    /// Issued tokens find their holder; near misses, empty and damaged entries find nobody.
    @Test func issuedTokensFindTheirHolder() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-tokens-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try TokenStore(directory: directory, environmentAdminToken: "environment-secret")
        let till = try store.issue(role: .till, name: "lane 7")
        #expect(store.principal(for: till) == Principal(role: .till, name: "lane 7"))
        #expect(store.principal(for: "environment-secret") == Principal(role: .admin, name: "KASSA_ADMIN_TOKEN"))
        #expect(store.principal(for: String(till.dropLast()) + (till.last == "0" ? "1" : "0")) == nil)
        #expect(store.principal(for: "") == nil)
        // Reopened from its file, the issued token still works; the environment's is not kept.
        let reopened = try TokenStore(directory: directory, environmentAdminToken: nil)
        #expect(reopened.principal(for: till) == Principal(role: .till, name: "lane 7"))
        #expect(reopened.principal(for: "environment-secret") == nil)
    }

    /// What lets a connection remember the token it sent: the store's revision moves with each
    /// change to the tokens, and fields are compared whole.
    @Test func theRevisionMovesWithTheTokensAndFieldsCompareWhole() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kassa-tokens-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try TokenStore(directory: directory, environmentAdminToken: nil)
        let before = store.revision
        #expect(store.principal(for: "anything") == nil && store.revision == before)
        _ = try store.issue(role: .till, name: "lane 8")
        #expect(store.revision != before)
        #expect(ConstantTime.equal("Bearer abc", "Bearer abc"))
        #expect(!ConstantTime.equal("Bearer abc", "Bearer abd"))
        #expect(!ConstantTime.equal("Bearer abc", "Bearer ab"))
        #expect(!ConstantTime.equal("Bearer abc", "bearer abc"))
        #expect(ConstantTime.equal("", ""))
    }

    private func sha256sum(_ text: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }
}
