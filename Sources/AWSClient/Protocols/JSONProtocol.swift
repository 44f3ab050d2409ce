import Foundation

extension AWSClient {
    /// Calls a JSON-protocol operation: POST / with `X-Amz-Target: <prefix>.<operation>`
    /// (e.g. `AWSStepFunctions.ListStateMachines`). Dates are read and written as epoch seconds.
    public func json<Response: Decodable>(
        _ service: AWSService, target operation: String, body: some Encodable & Sendable
    ) async throws -> Response {
        guard case .json(let version, let targetPrefix) = service.wireProtocol else {
            preconditionFailure("\(service.signingName) does not speak the JSON protocol")
        }
        let payload: Data
        do {
            payload = try Self.jsonEncoder.encode(body)
        } catch {
            throw AWSError(
                kind: .validation, message: "cannot encode the request: \(error)", service: service.signingName,
                operation: operation)
        }
        let headers: HTTPHeaders = [
            "Content-Type": "application/x-amz-json-\(version)",
            "X-Amz-Target": "\(targetPrefix).\(operation)",
        ]
        let url = try endpointURL(service, path: "", query: [])
        let response = try await send(
            AWSCall(service: service, operation: operation, method: "POST", url: url, headers: headers, body: payload))
        return try decodeJSON(response, service: service, operation: operation)
    }

    /// Calls a REST-JSON operation (EventBridge Scheduler): `method` on the endpoint plus `path`
    /// (each segment percent-encoded here), with `query` parameters and an optional JSON body.
    /// `operation` names the call in errors and logs (default: method and path).
    public func restJSON<Response: Decodable>(
        _ service: AWSService, method: String, path: String, query: [(String, String)] = [], body: Data? = nil,
        operation: String? = nil
    ) async throws -> Response {
        let operation = operation ?? "\(method.uppercased()) \(path)"
        var headers = HTTPHeaders()
        if body != nil || ["POST", "PUT", "PATCH"].contains(method.uppercased()) {
            headers.add(name: "Content-Type", value: "application/json")
        }
        let url = try endpointURL(service, path: path, query: query)
        let response = try await send(
            AWSCall(
                service: service, operation: operation, method: method.uppercased(), url: url, headers: headers,
                body: body ?? Data()))
        return try decodeJSON(response, service: service, operation: operation)
    }

    /// The service endpoint with `path` appended to its own path and `query` encoded.
    func endpointURL(_ service: AWSService, path: String, query: [(String, String)]) throws -> URL {
        let base = try endpoints.endpoint(for: service, region: region)
        guard var components = URLComponents(url: base, resolvingAgainstBaseURL: false) else {
            throw AWSConfigurationError("bad endpoint URL \(base)")
        }
        let basePath =
            components.percentEncodedPath.hasSuffix("/")
            ? String(components.percentEncodedPath.dropLast()) : components.percentEncodedPath
        let extraPath = path.split(separator: "/", omittingEmptySubsequences: false)
            .map { FormEncoding.percentEncode(String($0)) }.joined(separator: "/")
        let joined = basePath + (extraPath.hasPrefix("/") || extraPath.isEmpty ? extraPath : "/" + extraPath)
        components.percentEncodedPath = joined.isEmpty ? "/" : joined
        components.percentEncodedQuery = query.isEmpty ? nil : FormEncoding.encode(query)
        guard let url = components.url else { throw AWSConfigurationError("bad endpoint URL \(base)") }
        return url
    }

    private func decodeJSON<Response: Decodable>(
        _ response: HTTPResponse, service: AWSService, operation: String
    ) throws
        -> Response
    {
        let body = response.body.isEmpty ? Data("{}".utf8) : response.body
        do {
            return try Self.jsonDecoder.decode(Response.self, from: body)
        } catch {
            throw AWSError(
                kind: .unreadableResponse, message: "\(error)", status: response.status,
                requestId: response.headers["x-amzn-RequestId"], service: service.signingName, operation: operation)
        }
    }

    /// The code, message and request id of a JSON error: `__type` (or `code`) with everything up to
    /// `#` dropped, else the `x-amzn-ErrorType` header without its `:` suffix.
    static func jsonErrorDetails(_ response: HTTPResponse) -> ErrorDetails {
        let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] ?? [:]
        let rawCode =
            (object["__type"] ?? object["code"] ?? object["Code"]) as? String ?? response.headers["x-amzn-ErrorType"]
        let code = rawCode.map { raw -> String in
            var code = Substring(raw)
            if let hash = code.lastIndex(of: "#") { code = code[code.index(after: hash)...] }
            if let colon = code.firstIndex(of: ":") { code = code[..<colon] }
            return code.trimmingCharacters(in: .whitespaces)
        }.flatMap { $0.isEmpty ? nil : $0 }
        let message = (object["message"] ?? object["Message"] ?? object["errorMessage"]) as? String
        return ErrorDetails(code: code, message: message, requestId: response.headers["x-amzn-RequestId"])
    }

    static let jsonEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()

    static let jsonDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()
}
