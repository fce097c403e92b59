import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The lane's HTTP client for the service: a till token, a timeout, and answers sorted into what
/// the lane does next (use the answer, mend and resend, or keep the sale for later).
public final class LaneServerClient: @unchecked Sendable {
    /// What came back.
    public enum Outcome {
        /// A 2xx answer with its JSON object.
        case answered(status: Int, body: [String: Any])
        /// The server refused the request (4xx except 408 and 429): it will refuse it again.
        case refused(status: Int, code: String, message: String, field: String?)
        /// The server could not be reached, timed out, or asked to come back later (408, 429,
        /// 5xx): the request may be sent again as it is.
        case unreachable(String)
    }

    public let baseURL: URL
    private let token: String
    private let timeoutSeconds: Double
    private let session: URLSession

    /// A client for the service at `baseURL` with a till token.
    public init(baseURL: URL, token: String, timeoutSeconds: Double = 3) {
        self.baseURL = baseURL
        self.token = token
        self.timeoutSeconds = timeoutSeconds
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeoutSeconds
        configuration.timeoutIntervalForResource = timeoutSeconds * 2
        session = URLSession(configuration: configuration)
    }

    /// Sends `method path` with an optional JSON body and waits for the outcome.
    public func call(_ method: String, _ path: String, body: [UInt8]? = nil) -> Outcome {
        guard let url = URL(string: path, relativeTo: baseURL) else { return .refused(status: 0, code: "bad_path", message: path, field: nil) }
        var request = URLRequest(url: url, timeoutInterval: timeoutSeconds)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.httpBody = Data(body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let done = DispatchSemaphore(value: 0)
        let box = OutcomeBox()
        let task = session.dataTask(with: request) { data, response, error in
            defer { done.signal() }
            box.outcome = Self.outcome(data: data, response: response, error: error, url: url)
        }
        task.resume()
        if done.wait(timeout: .now() + timeoutSeconds * 2 + 1) == .timedOut {
            task.cancel()
            return .unreachable("no answer from \(url.absoluteString) within \(timeoutSeconds) s")
        }
        return box.outcome
    }

    private static func outcome(data: Data?, response: URLResponse?, error: (any Error)?, url: URL) -> Outcome {
        guard let http = response as? HTTPURLResponse else {
            return .unreachable(error.map { "\($0.localizedDescription)" } ?? "no answer from \(url.absoluteString)")
        }
        let object = data.flatMap { try? JSONSerialization.jsonObject(with: $0) } as? [String: Any] ?? [:]
        switch http.statusCode {
        case 200..<300:
            return .answered(status: http.statusCode, body: object)
        case 408, 429, 500...:
            return .unreachable("\(http.statusCode) from \(url.path)")
        default:
            let error = object["error"] as? [String: Any] ?? [:]
            return .refused(status: http.statusCode, code: error["code"] as? String ?? "http_\(http.statusCode)",
                            message: error["message"] as? String ?? "", field: error["field"] as? String)
        }
    }
}

/// The answer handed from URLSession's thread to the waiting one (the semaphore orders them).
private final class OutcomeBox: @unchecked Sendable {
    var outcome: LaneServerClient.Outcome = .unreachable("no answer")
}
