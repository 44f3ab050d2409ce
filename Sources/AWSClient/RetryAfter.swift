import Foundation

/// Reads the `Retry-After` header of RFC 9110: a number of seconds or an HTTP date.
public enum RetryAfter {
    /// The seconds to wait that `value` asks for, at `now`: a non-negative number of seconds
    /// (`120`, or `1.5` as some servers send), or an HTTP date (`Wed, 21 Oct 2026 07:28:00 GMT`),
    /// which is 0 once it has passed. `nil` for anything else (a negative number, garbage), so the
    /// caller's own backoff applies.
    public static func seconds(_ value: String, now: Date) -> Double? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let first = trimmed.unicodeScalars.first, CharacterSet.decimalDigits.contains(first) {
            guard
                trimmed.unicodeScalars.allSatisfy({
                    $0.isASCII && (CharacterSet.decimalDigits.contains($0) || $0 == ".")
                }),
                let seconds = Double(trimmed), seconds.isFinite
            else { return nil }
            return seconds
        }
        return httpDate(trimmed).map { max(0, $0.timeIntervalSince(now)) }
    }

    /// Parses an HTTP date: RFC 7231's preferred form (`Tue, 15 Nov 1994 08:12:31 GMT`) and the
    /// two obsolete ones (RFC 850, asctime).
    public static func httpDate(_ value: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: value.trimmingCharacters(in: .whitespaces)) { return date }
        }
        return nil
    }
}

extension HTTPResponse {
    /// The seconds this response's `Retry-After` asks for at `now`; `nil` without a readable one.
    public func retryAfter(now: Date) -> Double? {
        headers["Retry-After"].flatMap { RetryAfter.seconds($0, now: now) }
    }
}
