import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The `HTTPTransport` of the process: one long-lived ephemeral `URLSession` with no cookies and no cache.
///
/// Use `URLSessionTransport.shared`; creating sessions per request is fragile on Linux.
public final class URLSessionTransport: HTTPTransport {
    /// The one transport for the whole process.
    public static let shared = URLSessionTransport()

    private let session: URLSession

    private init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration)
    }

    /// Sends `request` through the shared session. A POST or PUT without a `Content-Type`
    /// gets `application/octet-stream`, so that libcurl does not add a form type of its own.
    public func send(_ request: HTTPRequest, timeout: TimeInterval) async throws -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        urlRequest.httpMethod = request.method
        for field in request.headers {
            urlRequest.addValue(field.value, forHTTPHeaderField: field.name)
        }
        if ["POST", "PUT", "PATCH"].contains(request.method.uppercased()), !request.headers.contains("Content-Type") {
            urlRequest.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type")
        }
        if !request.body.isEmpty || request.method.uppercased() != "GET" {
            urlRequest.httpBody = request.body
        }
        let (data, http) = try await perform(urlRequest)
        var headers = HTTPHeaders()
        for (name, value) in http.allHeaderFields {
            headers.add(name: "\(name)", value: "\(value)")
        }
        return HTTPResponse(status: http.statusCode, headers: headers, body: data)
    }

    /// Runs one request to its end. Task cancellation is deliberately not passed on: cancelling a
    /// URLSession task can deadlock on Linux (swift-corelibs-foundation#5412), and the request's
    /// own timeout bounds it anyway.
    private func perform(_ request: URLRequest) async throws -> (Data, HTTPURLResponse) {
        try await withCheckedThrowingContinuation { continuation in
            session.dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(throwing: error)
                } else if let http = response as? HTTPURLResponse {
                    continuation.resume(returning: (data ?? Data(), http))
                } else {
                    continuation.resume(throwing: URLError(.badServerResponse))
                }
            }.resume()
        }
    }
}
