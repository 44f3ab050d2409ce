import Crypto
import Foundation

/// The canonical request of Signature Version 4 (task 1 of AWS's signing document).
public struct SigV4CanonicalRequest: Sendable, Equatable {
    /// The canonical request text that is hashed into the string to sign.
    public let text: String
    /// The lowercased names of the signed headers, sorted and joined by `;`.
    public let signedHeaders: String
}

extension SigV4Signer {
    /// Headers that are never signed: the transport may add, change or drop them on the way.
    public static let unsignedHeaderNames: Set<String> = [
        "authorization", "user-agent", "content-length", "accept-encoding", "connection", "expect",
        "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "x-amzn-trace-id",
    ]

    /// The canonical request for `request` exactly as given: every header except
    /// `unsignedHeaderNames` is signed, and `host` is taken from `authority` when absent.
    public static func canonicalRequest(for request: SigV4Request) -> SigV4CanonicalRequest {
        let headers = canonicalHeaders(request.headers, authority: request.authority)
        let signedHeaders = headers.map(\.name).joined(separator: ";")
        let text = [
            request.method.uppercased(),
            canonicalURI(path: request.path),
            canonicalQueryString(query: request.query),
            headers.map { "\($0.name):\($0.value)\n" }.joined(),
            signedHeaders,
            payloadHash(request.body),
        ].joined(separator: "\n")
        return SigV4CanonicalRequest(text: text, signedHeaders: signedHeaders)
    }

    /// The canonical URI of a wire path for every service but S3: dot segments and empty
    /// segments removed, then each segment URI-encoded (so `%20` on the wire becomes `%2520`,
    /// the double encoding AWS expects outside S3).
    public static func canonicalURI(path: String) -> String {
        var segments: [Substring] = []
        var endsWithSlash = false
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".":
                endsWithSlash = true
            case "..":
                _ = segments.popLast()
                endsWithSlash = true
            default:
                segments.append(segment)
                endsWithSlash = false
            }
        }
        endsWithSlash = endsWithSlash || path.hasSuffix("/")
        let joined = segments.map { uriEncode($0.utf8) }.joined(separator: "/")
        return segments.isEmpty ? "/" : "/" + joined + (endsWithSlash ? "/" : "")
    }

    /// The canonical query string of a wire query: each name and value percent-decoded, then
    /// URI-encoded per RFC 3986, sorted by name then value, a missing value signed as empty.
    public static func canonicalQueryString(query: String?) -> String {
        guard let query, !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: true).map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = uriEncode(percentDecode(parts[0]))
            let value = parts.count > 1 ? uriEncode(percentDecode(parts[1])) : ""
            return (name: name, value: value)
        }
        // Encoded names and values are ASCII, so comparing UTF-8 bytes is the byte order AWS uses.
        let sorted = pairs.sorted {
            $0.name == $1.name
                ? $0.value.utf8.lexicographicallyPrecedes($1.value.utf8)
                : $0.name.utf8.lexicographicallyPrecedes($1.name.utf8)
        }
        return sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// The signed headers, sorted by lowercased name, values normalized and repeated names
    /// joined with `,` in their original order.
    public static func canonicalHeaders(_ headers: [SigV4Request.Header], authority: String) -> [SigV4Request.Header] {
        var valuesByName: [String: [String]] = [:]
        for header in headers {
            let name = header.name.trimmingCharacters(in: .whitespaces).lowercased()
            guard !unsignedHeaderNames.contains(name) else { continue }
            valuesByName[name, default: []].append(canonicalHeaderValue(header.value))
        }
        if valuesByName["host"] == nil && !authority.isEmpty {
            valuesByName["host"] = [authority]
        }
        return valuesByName.keys.sorted().map { name in
            SigV4Request.Header(name, valuesByName[name, default: []].joined(separator: ","))
        }
    }

    /// A header value trimmed, with runs of spaces collapsed to one; a folded (multi-line)
    /// value has its lines trimmed and joined with `,`, as the AWS test suite expects.
    public static func canonicalHeaderValue(_ value: String) -> String {
        value.split(whereSeparator: \.isNewline)
            .map { line in
                line.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
            }
            .filter { !$0.isEmpty }
            .joined(separator: ",")
    }

    /// The lowercase hex SHA-256 of the body.
    public static func payloadHash(_ body: Data) -> String {
        hex(SHA256.hash(data: body))
    }

    /// Every byte but the RFC 3986 unreserved characters as `%XX`, uppercase hex.
    static func uriEncode<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        var encoded = ""
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                UInt8(ascii: "."), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return encoded
    }

    /// The bytes of `text` with `%XX` sequences decoded; malformed sequences are kept as they are.
    static func percentDecode(_ text: Substring) -> [UInt8] {
        let bytes = Array(text.utf8)
        var decoded: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(bytes[index])
                index += 1
            }
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Lowercase hex of a digest or MAC.
    static func hex<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
