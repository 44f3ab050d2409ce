import Foundation
import SigV4
import Testing

/// AWS's Signature Version 4 test suite, a resource of this test target
/// (`Resources/aws-sig-v4-test-suite`, Apache-2.0 with its LICENSE and NOTICE), or the folder
/// `AWS_SIG_V4_TEST_SUITE` names when set.
enum AWSTestSuite {
    static let environmentOverride = "AWS_SIG_V4_TEST_SUITE"

    /// 2015-08-30T12:36:00Z, the signing time of every case.
    static let date = Date(timeIntervalSince1970: 1_440_938_160)
    static let region = "us-east-1"
    static let service = "service"
    static let credentials = AWSCredentials(
        accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    /// From `post-sts-token/readme.txt`.
    static let sessionToken =
        "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="

    /// The suite folder, or `nil` when it cannot be found.
    static func directory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        if let override = environment[environmentOverride], !override.isEmpty {
            return URL(fileURLWithPath: override, isDirectory: true)
        }
        return Bundle.module.url(forResource: "aws-sig-v4-test-suite", withExtension: nil)
    }

    /// Every case folder holding a `.req`, as a path relative to the suite (e.g.
    /// `normalize-path/get-space`), sorted. Empty when the suite is missing.
    static func caseNames() -> [String] {
        guard let root = directory(),
            let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        else { return [] }
        let rootPath = root.standardizedFileURL.path + "/"
        var names: [String] = []
        for case let file as URL in walker where file.pathExtension == "req" {
            let folder = file.deletingLastPathComponent().standardizedFileURL.path
            names.append(String(folder.dropFirst(rootPath.count)))
        }
        return names.sorted()
    }

    /// The five files of a case: `.req`, `.creq`, `.sts`, `.authz` and `.sreq`.
    struct CaseFiles {
        let request: String
        let canonicalRequest: String
        let stringToSign: String
        let authorization: String
        let signedRequest: String
    }

    /// Reads the files of the case at `name` (a path relative to the suite).
    static func files(of name: String) throws -> CaseFiles {
        let root = try #require(directory(), "AWS SigV4 test suite not found")
        let base = name.split(separator: "/").last.map(String.init) ?? name
        func read(_ ext: String) throws -> String {
            try String(contentsOf: root.appendingPathComponent("\(name)/\(base).\(ext)"), encoding: .utf8)
        }
        return CaseFiles(
            request: try read("req"), canonicalRequest: try read("creq"), stringToSign: try read("sts"),
            authorization: try read("authz"), signedRequest: try read("sreq"))
    }

    /// The signer for a case: the `post-sts-token` cases use the session token, signed or
    /// added after signing as their folder names say.
    static func signer(for name: String) -> SigV4Signer {
        let base = name.split(separator: "/").last.map(String.init) ?? name
        switch base {
        case "post-sts-header-before":
            return SigV4Signer(credentials: temporaryCredentials, region: region, service: service)
        case "post-sts-header-after":
            return SigV4Signer(
                credentials: temporaryCredentials, region: region, service: service,
                securityTokenPlacement: .addedAfterSigning)
        default:
            return SigV4Signer(credentials: credentials, region: region, service: service)
        }
    }

    static let temporaryCredentials = AWSCredentials(
        accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey,
        sessionToken: sessionToken)
}

/// An HTTP/1.1 request in the suite's text form: request line, headers (lines starting with
/// whitespace continue the previous header), a blank line, then the body.
struct HTTPRequestText: Equatable {
    let method: String
    /// The request target as written, e.g. `/example space/?a=b`.
    let target: String
    let headers: [SigV4Request.Header]
    let body: Data

    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }

    init(parsing text: String) throws {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
        let head: Substring
        if let blankLine = normalized.range(of: "\n\n") {
            head = normalized[..<blankLine.lowerBound]
            body = Data(normalized[blankLine.upperBound...].utf8)
        } else {
            head = normalized[...]
            body = Data()
        }
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false)
        let requestLine = lines.removeFirst()
        guard let methodEnd = requestLine.firstIndex(of: " "),
            let versionStart = requestLine.lastIndex(of: " "), methodEnd < versionStart
        else { throw ParseError(description: "bad request line: \(requestLine)") }
        method = String(requestLine[..<methodEnd])
        target = String(requestLine[requestLine.index(after: methodEnd)..<versionStart])

        var headers: [SigV4Request.Header] = []
        for line in lines {
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                headers[headers.count - 1].value += "\n" + line
            } else if let colon = line.firstIndex(of: ":") {
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                headers.append(SigV4Request.Header(String(line[..<colon]), value))
            } else {
                throw ParseError(description: "bad header line: \(line)")
            }
        }
        self.headers = headers
    }

    /// The request for the signer: the target is the wire path and query, the authority the
    /// `Host` header.
    var sigV4Request: SigV4Request {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let authority = headers.first { $0.name.lowercased() == "host" }?.value ?? ""
        return SigV4Request(
            method: method, path: String(parts[0]), query: parts.count > 1 ? String(parts[1]) : nil,
            authority: authority, headers: headers, body: body)
    }
}
