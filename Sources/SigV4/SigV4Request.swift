import Foundation

/// An HTTP request as Signature Version 4 sees it: the request line as sent, the headers in
/// their original order (duplicates included) and the body bytes.
public struct SigV4Request: Sendable, Equatable {
    /// One header line. Names keep their case; repeated names keep their order.
    ///
    /// Its `description` masks the value of `X-Amz-Security-Token`.
    public struct Header: Sendable, Equatable, CustomStringConvertible {
        public var name: String
        public var value: String

        /// A header line `name: value`.
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }

        public var description: String {
            name.lowercased() == "x-amz-security-token" ? "\(name): ****" : "\(name): \(value)"
        }
    }

    /// The HTTP method, e.g. `GET` or `POST`.
    public var method: String
    /// The path exactly as sent on the wire (already percent-encoded), e.g. `/` or `/a%20b`.
    public var path: String
    /// The query exactly as sent, without the leading `?`; `nil` when the request has none.
    public var query: String?
    /// `host[:port]`, the value signed as `host` when `headers` has no `Host` header.
    public var authority: String
    /// The headers to send, in order.
    public var headers: [Header]
    /// The request body.
    public var body: Data

    /// A request given by its parts, with `path` and `query` as they appear on the wire.
    public init(
        method: String, path: String, query: String? = nil, authority: String,
        headers: [Header] = [], body: Data = Data()
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.authority = authority
        self.headers = headers
        self.body = body
    }

    /// A request to `url`. The authority includes the port only when it is not the scheme's default.
    public init(method: String, url: URL, headers: [Header] = [], body: Data = Data()) {
        let path = url.path(percentEncoded: true)
        self.init(
            method: method,
            path: path.isEmpty ? "/" : path,
            query: url.query(percentEncoded: true),
            authority: Self.authority(of: url),
            headers: headers,
            body: body
        )
    }

    /// `host[:port]` of `url` as an HTTP client sends it in the `Host` header.
    static func authority(of url: URL) -> String {
        guard var host = url.host(percentEncoded: true) else { return "" }
        if host.contains(":") && !host.hasPrefix("[") {
            host = "[\(host)]"  // IPv6 literal
        }
        let defaultPorts = ["http": 80, "https": 443]
        if let port = url.port, port != defaultPorts[url.scheme?.lowercased() ?? ""] {
            return "\(host):\(port)"
        }
        return host
    }
}
