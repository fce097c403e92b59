import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// emupos's control API on 127.0.0.1 (`/api/v1`, JSON bodies; emupos/api/routes/*.py).
struct EmuposControlAPI: Sendable {
    /// The API's port on 127.0.0.1.
    let port: Int
    /// How long one request may take; the API answers local requests in milliseconds.
    static let requestTimeoutSeconds = 10.0

    /// One request. The body, when given, is sent as JSON (emupos refuses anything else).
    func send(_ method: String, _ path: String, json: [String: any Sendable]? = nil) async throws -> (status: Int, body: Data) {
        guard let url = URL(string: "http://127.0.0.1:\(port)/api/v1\(path)") else {
            throw EmuposError(.controlRequestFailed, "not a URL path: \(path)")
        }
        var request = URLRequest(url: url, timeoutInterval: Self.requestTimeoutSeconds)
        request.httpMethod = method
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse else {
            throw EmuposError(.controlRequestFailed, "\(method) \(path): not an HTTP response")
        }
        return (http.statusCode, data)
    }

    /// One request that must answer `expected`; anything else fails with emupos's error body.
    @discardableResult
    func expect(_ expected: Int, _ method: String, _ path: String, json: [String: any Sendable]? = nil) async throws -> Data {
        let (status, body) = try await send(method, path, json: json)
        guard status == expected else {
            throw EmuposError(.controlRequestFailed, "\(method) /api/v1\(path) answered \(status), not \(expected): \(String(decoding: body, as: UTF8.self))")
        }
        return body
    }

    /// The JSON object of one device (`GET /devices/{id}`).
    func device(_ id: String) async throws -> [String: Any] {
        let body = try await expect(200, "GET", "/devices/\(id)")
        guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw EmuposError(.controlRequestFailed, "GET /devices/\(id) did not answer a JSON object")
        }
        return object
    }
}
