import Foundation
import Logging

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One AWS operation ready to be signed and sent.
struct AWSCall: Sendable {
    let service: AWSService
    let operation: String
    let method: String
    let url: URL
    let headers: HTTPHeaders
    let body: Data
}

/// What an error response says, read per protocol.
struct ErrorDetails: Sendable, Equatable {
    var code: String?
    var message: String?
    var requestId: String?
}

extension AWSClient {
    /// Sends `call` until it succeeds, fails for good, runs out of attempts or reaches the deadline,
    /// through the one retry loop (`Retrier`) with this client's `retryPolicy`. Each attempt is
    /// signed anew at the skew-corrected time, and waits for its turn first when the operation is
    /// paced after throttles.
    func send(_ call: AWSCall) async throws -> HTTPResponse {
        let retrier = Retrier(policy: retryPolicy, clock: clock, logger: logger, random: random)
        let operation = "\(call.service.signingName):\(call.operation)"
        var skewCorrected = false
        let result = try await retrier.run(
            operation, deadline: deadline,
            pace: retryPolicy.paceAfterThrottling ? { latest in await turn(call, latest: latest) } : nil,
            reason: { (failure: AWSError) in failure.code ?? failure.kind.rawValue },
            attempt: { timeout in
                let credentials = try await credentialProvider?.credentials()
                let request = await signedRequest(call, credentials: credentials)
                let outcome = try await attemptOnce(
                    call, request, timeout: timeout, credentials: credentials, skewCorrected: skewCorrected)
                if case .again = outcome { skewCorrected = true }
                return outcome
            })
        switch result {
        case .success(let response):
            return response
        case .failure(.failed(let error, _)):
            throw error
        case .failure(.outOfTime(let last?, let attempts)):
            throw deadlineError(call, attempts: attempts, last: last)
        case .failure(.outOfTime(nil, let attempts)):
            throw AWSError(
                kind: .deadlineExceeded, message: "no time left for attempt \(attempts + 1)",
                service: call.service.signingName, operation: call.operation)
        case .failure(.cancelled):
            throw CancellationError()
        }
    }

    /// Whether the next attempt of `call` may start at the operation's paced send rate (0: yes,
    /// always so until it was throttled) or how long to wait before asking again; `nil` when
    /// its turn comes at or after `latest`.
    private func turn(_ call: AWSCall, latest: Date?) async -> Double? {
        await pacer.reserve(pacingKey(call.service, call.operation), at: clock.now(), latest: latest)
    }

    /// Tells the operation's send rate about a response, logging when a throttle starts pacing.
    private func recordResponse(_ call: AWSCall, throttled: Bool) async {
        guard retryPolicy.paceAfterThrottling else { return }
        let key = pacingKey(call.service, call.operation)
        guard await pacer.record(key, throttled: throttled, at: clock.now()) else { return }
        let rate = await pacer.sendRate(key) ?? AdaptiveSendRate.minimumFillRate
        logger.info(
            "throttled: pacing this operation from now on, starting at \(String(format: "%.1f", rate)) requests/s",
            metadata: ["operation": "\(key)"])
    }

    /// Sends one signed attempt and classifies what came back.
    private func attemptOnce(
        _ call: AWSCall, _ request: HTTPRequest, timeout: Double, credentials: AWSCredentials?, skewCorrected: Bool
    ) async throws -> AttemptOutcome<HTTPResponse, AWSError> {
        let response: HTTPResponse
        do {
            response = try await transport.send(request, timeout: timeout)
        } catch let error as URLError {
            if Task.isCancelled { throw CancellationError() }
            logger.warning(
                "network error: \(error.localizedDescription)",
                metadata: [
                    "operation": "\(call.service.signingName):\(call.operation)", "url-error": "\(error.code.rawValue)",
                ])
            // An answer over the size cap would be as large again: not worth another attempt.
            let retryable = error.code != .dataLengthExceedsMaximum
            return .failure(transportError(call, error), retryable: retryable)
        }
        if response.isSuccess {
            await recordResponse(call, throttled: false)
            return .success(response)
        }
        let details = Self.errorDetails(call.service.wireProtocol, response)
        let throttled = retryPolicy.isThrottling(status: response.status, code: details.code)
        await recordResponse(call, throttled: throttled)
        let failure = redacted(awsError(call, response: response, details: details), credentials)
        if !skewCorrected, Self.isSkewError(code: details.code, message: details.message),
            let serverDate = response.headers["Date"].flatMap(RetryAfter.httpDate)
        {
            let offset = serverDate.timeIntervalSince(clock.now())
            await clockOffset.set(offset)
            logger.warning(
                "clock skew: correcting by \(Int(offset.rounded())) s and retrying",
                metadata: [
                    "operation": "\(call.service.signingName):\(call.operation)", "code": "\(details.code ?? "")",
                ])
            return .again
        }
        return .failure(
            failure, retryable: retryPolicy.isRetryable(status: response.status, code: details.code),
            throttled: throttled, retryAfter: response.retryAfter(now: clock.now()))
    }

    /// `call` with `X-Amz-Date`, `Authorization` and any session token, signed at the corrected time.
    private func signedRequest(_ call: AWSCall, credentials: AWSCredentials?) async -> HTTPRequest {
        var request = HTTPRequest(method: call.method, url: call.url, headers: call.headers, body: call.body)
        guard let credentials else { return request }
        let date = clock.now().addingTimeInterval(await clockOffset.seconds)
        let signer = SigV4Signer(credentials: credentials, region: region, service: call.service.signingName)
        let headers = signer.signedHeaders(
            method: call.method, url: call.url,
            headers: call.headers.fields.map { SigV4Request.Header($0.name, $0.value) },
            body: call.body, date: date)
        request.headers = HTTPHeaders(headers.map { HTTPHeader(name: $0.name, value: $0.value) })
        return request
    }

    private func awsError(_ call: AWSCall, response: HTTPResponse, details: ErrorDetails) -> AWSError {
        let requestId =
            details.requestId ?? response.headers["x-amzn-RequestId"] ?? response.headers["x-amz-request-id"]
        let message =
            details.message.flatMap { $0.isEmpty ? nil : $0 }
            ?? Self.statusMessage(response)
        return AWSError(
            kind: AWSError.kind(code: details.code, status: response.status), code: details.code, message: message,
            status: response.status, requestId: requestId, service: call.service.signingName, operation: call.operation)
    }

    private func transportError(_ call: AWSCall, _ error: URLError) -> AWSError {
        if error.code == .dataLengthExceedsMaximum {
            return AWSError(
                kind: .unreadableResponse,
                message:
                    "the answer is larger than the \(URLSessionTransport.defaultMaxResponseBytes / 1_048_576) MiB cap (\(call.url.host ?? "?"))",
                service: call.service.signingName, operation: call.operation)
        }
        return AWSError(
            kind: error.code == .timedOut ? .timeout : .transport,
            message: "\(error.localizedDescription) (\(call.url.host ?? call.url.absoluteString))",
            service: call.service.signingName, operation: call.operation)
    }

    private func deadlineError(_ call: AWSCall, attempts: Int, last: AWSError) -> AWSError {
        var error = last
        error.kind = .deadlineExceeded
        error.message =
            "gave up after \(attempts) attempt(s); last error: " + (last.code.map { "\($0): " } ?? "") + last.message
        error.code = nil
        return error
    }

    /// Removes the secret key and session token from an error's text, should a server echo them.
    private func redacted(_ error: AWSError, _ credentials: AWSCredentials?) -> AWSError {
        guard let credentials else { return error }
        var error = error
        for secret in [credentials.secretAccessKey, credentials.sessionToken].compactMap({ $0 }) where !secret.isEmpty {
            error.message = error.message.replacingOccurrences(of: secret, with: "****")
        }
        return error
    }

    /// A message for an error response whose body says nothing readable (HTML, empty).
    static func statusMessage(_ response: HTTPResponse) -> String {
        let reason = HTTPURLResponse.localizedString(forStatusCode: response.status)
        let text = response.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return "HTTP \(response.status) \(reason) with an empty body" }
        let kind = text.hasPrefix("<") ? "an HTML or XML" : "a non-AWS"
        let flattened = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return "HTTP \(response.status) \(reason) with \(kind) body: \(flattened.prefix(200))"
    }

    /// Whether an error says the request's time is off: always for the skew codes, and for
    /// signature errors whose message talks about time.
    static func isSkewError(code: String?, message: String?) -> Bool {
        guard let code else { return false }
        if ["RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture"].contains(code) { return true }
        guard ["InvalidSignatureException", "SignatureDoesNotMatch"].contains(code), let message else { return false }
        let lowered = message.lowercased()
        return ["skew", "expired", "time", "date"].contains { lowered.contains($0) }
    }
}
