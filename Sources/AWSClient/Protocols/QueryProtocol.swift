import Foundation

extension AWSClient {
    /// Calls a Query-protocol operation: a form POST of `Action`, `Version` and `parameters`,
    /// answered in XML. Returns the root element (e.g. `DescribeAlarmsResponse`).
    public func query(
        _ service: AWSService, action: String, version: String, parameters: [(String, String)]
    ) async throws -> XMLElementNode {
        let body = FormEncoding.encode([("Action", action), ("Version", version)] + parameters)
        let headers: HTTPHeaders = ["Content-Type": "application/x-www-form-urlencoded; charset=utf-8"]
        let url = try endpointURL(service, path: "", query: [])
        let response = try await send(
            AWSCall(
                service: service, operation: action, method: "POST", url: url, headers: headers, body: Data(body.utf8)))
        do {
            return try XMLElementNode.parse(response.body)
        } catch {
            throw AWSError(
                kind: .unreadableResponse, message: "\(error)", status: response.status,
                requestId: response.headers["x-amzn-RequestId"], service: service.signingName, operation: action)
        }
    }

    /// The code, message and request id of `<ErrorResponse><Error><Code>/<Message></Error><RequestId>`.
    static func queryErrorDetails(_ response: HTTPResponse) -> ErrorDetails {
        guard let root = try? XMLElementNode.parse(response.body) else {
            return ErrorDetails(requestId: response.headers["x-amzn-RequestId"])
        }
        let error = root.firstDescendant(named: "Error")
        let requestId = (root.firstDescendant(named: "RequestId") ?? root.firstDescendant(named: "RequestID"))?.text
        return ErrorDetails(
            code: error?.text(at: "Code").flatMap { $0.isEmpty ? nil : $0 },
            message: error?.text(at: "Message"),
            requestId: requestId ?? response.headers["x-amzn-RequestId"])
    }

    /// The error details of `response` as `wireProtocol` encodes them.
    static func errorDetails(_ wireProtocol: AWSProtocol, _ response: HTTPResponse) -> ErrorDetails {
        switch wireProtocol {
        case .query: queryErrorDetails(response)
        case .json, .restJSON: jsonErrorDetails(response)
        }
    }
}

/// `application/x-www-form-urlencoded` as AWS signs it: RFC 3986 unreserved characters kept, all else `%XX`.
enum FormEncoding {
    static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(percentEncode($0.0))=\(percentEncode($0.1))" }.joined(separator: "&")
    }

    static func percentEncode(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                encoded += String(format: "%%%02X", byte)
            }
        }
        return encoded
    }
}
