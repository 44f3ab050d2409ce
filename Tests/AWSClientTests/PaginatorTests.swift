import Foundation
import Testing

@testable import AWSClient

/// `AWSPages`: the end-of-pages rule and the guards against a service that pages for ever.
@Suite struct PaginatorTests {
    /// Pages answered from `tokens`: page `n` gives `tokens[n]` as its next token.
    final class Script: @unchecked Sendable {
        let tokens: [String?]
        private let lock = NSLock()
        private var sent: [String?] = []

        init(_ tokens: [String?]) { self.tokens = tokens }

        var sentTokens: [String?] { lock.withLock { sent } }

        func pages(limit: Int = AWSPages<Int>.defaultPageLimit, from start: String? = nil) -> AWSPages<Int> {
            AWSPages(service: "states", operation: "ListExecutions", pageLimit: limit, startToken: start) { token in
                let index = self.lock.withLock {
                    self.sent.append(token)
                    return self.sent.count - 1
                }
                return (index, self.tokens[min(index, self.tokens.count - 1)])
            }
        }
    }

    @Test func followsTokensAndEndsWithoutOne() async throws {
        let script = Script(["a", "b", nil])
        #expect(try await script.pages().collect { [$0] } == [0, 1, 2])
        #expect(script.sentTokens == [nil, "a", "b"])
    }

    @Test func readingOnFromAKeptTokenSendsItFirstAndRefusesItAgain() async throws {
        let script = Script(["k", "b"])
        await #expect(throws: AWSError.self) { _ = try await script.pages(from: "k").collect { [$0] } }
        #expect(script.sentTokens == ["k"], "the kept token is asked for first; its page giving it again is a loop")
        let onward = Script(["b", nil])
        #expect(try await onward.pages(from: "k").collect { [$0] } == [0, 1])
        #expect(onward.sentTokens == ["k", "b"])
    }

    @Test func anEmptyTokenEndsThePages() async throws {
        let script = Script(["a", ""])
        #expect(try await script.pages().collect { [$0] } == [0, 1])
        #expect(script.sentTokens == [nil, "a"])
    }

    @Test func aRepeatedTokenIsAnErrorNotALoop() async throws {
        // The same token twice in a row, and a token from two pages back.
        for (tokens, fetched) in [(["a"], 2), (["a", "b", "a"], 3)] as [([String?], Int)] {
            let script = Script(tokens)
            await #expect(throws: AWSError.self) { _ = try await script.pages().collect { [$0] } }
            #expect(script.sentTokens.count == fetched)
        }
    }

    @Test func morePagesThanTheLimitIsAnError() async throws {
        let script = Script((0..<10).map { "t\($0)" })
        do {
            _ = try await script.pages(limit: 3).collect { [$0] }
            Issue.record("expected an error")
        } catch let error as AWSError {
            #expect(error.kind == .unreadableResponse)
            #expect(error.description.contains("more than 3 pages"))
        }
        #expect(script.sentTokens.count == 3)
    }

    @Test func stoppingEarlyFetchesNoMorePages() async throws {
        let script = Script(["a", "b", "c", nil])
        for try await page in script.pages() where page == 1 {
            break
        }
        #expect(script.sentTokens == [nil, "a"])
    }
}
