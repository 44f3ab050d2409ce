import Foundation

/// The pages of a paginated AWS operation, fetched one at a time as the sequence is iterated.
///
/// Each page is asked for with the token the previous page gave. The sequence ends at a page
/// with no token or an empty one, and stops early whenever the caller stops iterating (a
/// listing that has read back far enough). A token that was already sent, or more than
/// `pageLimit` pages, is an `unreadableResponse` error: a service that answers so would
/// otherwise be read for ever.
public struct AWSPages<Page: Sendable>: AsyncSequence, Sendable {
    public typealias Element = Page

    /// More pages than any real listing of a check needs (a million executions at 1,000 a page).
    public static var defaultPageLimit: Int { 1_000 }

    let service: String
    let operation: String
    let pageLimit: Int
    /// The token of the first page asked for: `nil` for the first page of the listing, or a token
    /// an earlier read stopped at, to read on from there.
    let startToken: String?
    let fetch: @Sendable (_ token: String?) async throws -> (page: Page, nextToken: String?)

    /// Pages of `service`'s `operation` from `startToken` on; `fetch` calls it with a token (`nil`
    /// for the first page) and returns the page with the token it gave for the next one.
    public init(
        service: String, operation: String, pageLimit: Int = Self.defaultPageLimit, startToken: String? = nil,
        fetch: @escaping @Sendable (_ token: String?) async throws -> (page: Page, nextToken: String?)
    ) {
        self.service = service
        self.operation = operation
        self.pageLimit = pageLimit
        self.startToken = startToken.flatMap { $0.isEmpty ? nil : $0 }
        self.fetch = fetch
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(pages: self)
    }

    /// Fetches the next page when asked, and remembers every token sent.
    public struct Iterator: AsyncIteratorProtocol {
        let pages: AWSPages
        var token: String?
        var sentTokens: Set<String> = []
        var fetched = 0
        var finished = false

        init(pages: AWSPages) {
            self.pages = pages
            token = pages.startToken
            if let token { sentTokens.insert(token) }
        }

        public mutating func next() async throws -> Page? {
            guard !finished else { return nil }
            guard fetched < pages.pageLimit else {
                finished = true
                throw pages.error("more than \(pages.pageLimit) pages")
            }
            let (page, nextToken) = try await pages.fetch(token)
            fetched += 1
            if let nextToken, !nextToken.isEmpty {
                guard sentTokens.insert(nextToken).inserted else {
                    finished = true
                    throw pages.error("the service gave a page token it had already given (a loop)")
                }
                token = nextToken
            } else {
                finished = true
            }
            return page
        }
    }

    func error(_ message: String) -> AWSError {
        AWSError(kind: .unreadableResponse, message: message, service: service, operation: operation)
    }
}

extension AWSPages {
    /// Every page's items, in order.
    public func collect<Item>(_ items: @escaping @Sendable (Page) -> [Item]) async throws -> [Item] {
        var all: [Item] = []
        for try await page in self {
            all += items(page)
        }
        return all
    }
}

extension AWSClient {
    /// The pages of a JSON-protocol operation: `request` builds the body that asks for a token's
    /// page, `nextToken` reads the token a page gives.
    public func jsonPages<Request: Encodable & Sendable, Response: Decodable & Sendable>(
        _ service: AWSService, target operation: String, pageLimit: Int = AWSPages<Response>.defaultPageLimit,
        startToken: String? = nil, request: @escaping @Sendable (_ token: String?) -> Request,
        nextToken: @escaping @Sendable (Response) -> String?
    ) -> AWSPages<Response> {
        AWSPages(service: service.signingName, operation: operation, pageLimit: pageLimit, startToken: startToken) {
            token in
            let page: Response = try await json(service, target: operation, body: request(token))
            return (page, nextToken(page))
        }
    }

    /// The pages of a REST-JSON `GET`, with the token sent as the `NextToken` query parameter.
    public func restJSONPages<Response: Decodable & Sendable>(
        _ service: AWSService, path: String, query: [(String, String)], operation: String,
        nextToken: @escaping @Sendable (Response) -> String?
    ) -> AWSPages<Response> {
        AWSPages(service: service.signingName, operation: operation) { token in
            let page: Response = try await restJSON(
                service, method: "GET", path: path, query: query + (token.map { [("NextToken", $0)] } ?? []),
                operation: operation)
            return (page, nextToken(page))
        }
    }

    /// The pages of a Query-protocol operation, each the `<Action>Result` element of its answer
    /// (an answer without one is unreadable); its `NextToken` is sent back as a parameter.
    public func queryPages(
        _ service: AWSService, action: String, version: String, parameters: [(String, String)]
    ) -> AWSPages<XMLElementNode> {
        AWSPages(service: service.signingName, operation: action) { token in
            let response = try await query(
                service, action: action, version: version,
                parameters: parameters + (token.map { [("NextToken", $0)] } ?? []))
            guard let result = response.child("\(action)Result") else {
                throw AWSError(
                    kind: .unreadableResponse, message: "no <\(action)Result> in the response",
                    service: service.signingName, operation: action)
            }
            return (result, result.text(at: "NextToken"))
        }
    }
}
