import Foundation
import Testing

@testable import AWSClient
@testable import TestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The bounds of one exchange over the real transport, against loopback servers that answer
/// badly: never, a byte at a time, without end, or with a redirect. Timeouts are about a second;
/// each test gives the transport a few seconds more before it counts it as hanging.
@Suite(.serialized)
struct TransportBoundsTests {
    /// A transport with a small size cap, long-lived like the shared one.
    static let capped = URLSessionTransport(maxResponseBytes: 1024 * 1024)

    private func post(_ url: URL) -> HTTPRequest {
        HTTPRequest(
            method: "POST", url: url, headers: ["Content-Type": "application/json"], body: Data(#"{"a":1}"#.utf8))
    }

    /// The error `send` ends with, or a note that it returned or was still running.
    private func outcome(_ transport: URLSessionTransport, _ request: HTTPRequest, timeout: Double) async -> String {
        await within(seconds: timeout + 5) {
            do {
                let response = try await transport.send(request, timeout: timeout)
                return "HTTP \(response.status)"
            } catch let error as URLError {
                return "URLError \(error.code.rawValue)"
            } catch {
                return "\(type(of: error))"
            }
        } ?? "still running"
    }

    @Test func aSilentEndpointTimesOutAtTheRequestTimeoutAndTheConnectionIsClosed() async throws {
        let server = try MisbehavingServer(.silent)
        defer { server.stop() }
        let result = await outcome(.shared, post(server.url("silent")), timeout: 1)
        #expect(result == "URLError \(URLError.Code.timedOut.rawValue)")
        #expect(
            await eventually(seconds: 3) { server.hangUpCount == 1 }, "the transfer is cancelled, not left to libcurl")
    }

    @Test func aSubSecondTimeoutIsKept() async throws {
        let server = try MisbehavingServer(.silent)
        defer { server.stop() }
        let started = Date()
        let result = await outcome(.shared, post(server.url()), timeout: 0.3)
        #expect(result == "URLError \(URLError.Code.timedOut.rawValue)")
        #expect(Date().timeIntervalSince(started) < 0.9, "not rounded up to libcurl's whole second")
    }

    @Test func aTricklingBodyIsCutAtTheWholeTransferDeadline() async throws {
        let server = try MisbehavingServer(.trickle(interval: 0.1))
        defer { server.stop() }
        let result = await outcome(.shared, post(server.url("trickle")), timeout: 1)
        #expect(result == "URLError \(URLError.Code.timedOut.rawValue)")
        #expect(server.bytesSent > 0, "the body did trickle, so the idle timer alone never fired")
        #expect(await eventually(seconds: 3) { server.hangUpCount == 1 })
    }

    @Test func anEndlessBodyStopsAtTheSizeCap() async throws {
        let server = try MisbehavingServer(.endless())
        defer { server.stop() }
        let result = await outcome(Self.capped, post(server.url("endless")), timeout: 10)
        #expect(result == "URLError \(URLError.Code.dataLengthExceedsMaximum.rawValue)")
        #expect(await eventually(seconds: 5) { server.hangUpCount == 1 }, "the transfer is ended, not drained")
    }

    @Test func aDeclaredLengthOverTheCapFailsAtTheHeaders() async throws {
        let server = try MisbehavingServer(.endless(declaredLength: 512 * 1024 * 1024))
        defer { server.stop() }
        let result = await outcome(Self.capped, post(server.url("huge")), timeout: 10)
        #expect(result == "URLError \(URLError.Code.dataLengthExceedsMaximum.rawValue)")
        #expect(await eventually(seconds: 3) { server.hangUpCount == 1 })
    }

    @Test func theSharedTransportCapsAt16MiB() {
        #expect(URLSessionTransport.shared.maxResponseBytes == 16 * 1024 * 1024)
    }

    @Test(arguments: [301, 302, 303, 307, 308])
    func aRedirectIsReturnedAndNotFollowed(status: Int) async throws {
        let elsewhere = try MisbehavingServer(.silent)
        defer { elsewhere.stop() }
        let server = try MisbehavingServer(.redirect(status: status, location: elsewhere.url("stolen").absoluteString))
        defer { server.stop() }
        var request = post(server.url("services/T0/B0/secret"))
        request.headers.add(name: "Authorization", value: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/…")

        let result = await outcome(.shared, request, timeout: 2)

        #expect(result == "HTTP \(status)")
        #expect(server.requests == ["POST /services/T0/B0/secret HTTP/1.1"])
        #expect(elsewhere.connectionCount == 0, "nothing, body or signature, goes to the other host")
    }

    @Test func anAWSCallAnsweredWithARedirectIsAnErrorAndGoesNowhereElse() async throws {
        let elsewhere = try MisbehavingServer(.silent)
        defer { elsewhere.stop() }
        let server = try MisbehavingServer(.redirect(status: 307, location: elsewhere.url().absoluteString))
        defer { server.stop() }
        let client = makeClient(
            transport: URLSessionTransport.shared, environment: ["AWS_ENDPOINT_URL": server.url().absoluteString])

        await #expect(throws: AWSError.self) {
            _ = try await client.query(.sns, action: "Publish", version: "2010-03-31", parameters: [])
        }
        #expect(server.connectionCount == 1, "a 3xx is not retried")
        #expect(elsewhere.connectionCount == 0)
    }
}
