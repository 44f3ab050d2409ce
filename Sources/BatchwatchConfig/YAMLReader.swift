import Foundation
import Yams

/// Reads values out of a composed YAML tree, keeping line numbers and key paths for errors.
///
/// String-typed values are taken from the scalar's text as written, so YAML 1.1's implicit
/// types (`on`, `no`, octal `0123`, base-60 `1:30`) never change them. `${VAR}` is expanded in
/// every value.
struct YAMLReader {
    let file: String
    let environment: [String: String]
    let zoneinfoDirectory: String

    /// A node and where it is: its key path in the document.
    struct Located {
        let node: Node
        let path: String
        var line: Int? { node.mark?.line }
    }

    /// A mapping whose keys were checked against the keys allowed there.
    struct CheckedMapping {
        let located: Located
        let values: [String: Located]

        subscript(key: String) -> Located? { values[key] }
    }

    func error(_ message: String, at located: Located) -> ConfigurationError {
        ConfigurationError(file: file, line: located.line, keyPath: located.path, message: message)
    }

    static func child(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    // MARK: Structure

    /// The mapping at `located`, with every key checked against `allowed`.
    func mapping(_ located: Located, allowed: [String], expected: String) throws(ConfigurationError) -> CheckedMapping {
        guard case .mapping(let mapping) = located.node else {
            throw error("expected \(expected), found \(kind(of: located.node))", at: located)
        }
        var values: [String: Located] = [:]
        for (keyNode, valueNode) in mapping {
            let key = keyNode.scalar?.string ?? ""
            let keyPath = Self.child(located.path, key)
            guard allowed.contains(key) else {
                let where_ = Located(node: keyNode, path: keyPath)
                throw error(unknownKeyMessage(key, allowed: allowed), at: where_)
            }
            values[key] = Located(node: valueNode, path: keyPath)
        }
        return CheckedMapping(located: located, values: values)
    }

    /// The value of `key`, or an error at the mapping when it is missing.
    func required(_ key: String, in mapping: CheckedMapping) throws(ConfigurationError) -> Located {
        guard let value = mapping[key] else {
            throw error("missing required key '\(key)'", at: mapping.located)
        }
        return value
    }

    /// The items of the list at `located`, each with its `path[index]`.
    func sequence(_ located: Located) throws(ConfigurationError) -> [Located] {
        guard case .sequence(let sequence) = located.node else {
            throw error("expected a list, found \(kind(of: located.node))", at: located)
        }
        return sequence.enumerated().map { index, node in Located(node: node, path: "\(located.path)[\(index)]") }
    }

    // MARK: Scalars

    /// The non-empty text of a scalar, exactly as written, with `${VAR}` expanded.
    func string(_ located: Located) throws(ConfigurationError) -> String {
        let text = try rawText(located, expected: "a string")
        guard !text.isEmpty else { throw error("must not be empty", at: located) }
        return text
    }

    /// A list of non-empty strings.
    func strings(_ located: Located) throws(ConfigurationError) -> [String] {
        var values: [String] = []
        for item in try sequence(located) { values.append(try string(item)) }
        return values
    }

    /// `true` or `false`, and nothing else (`yes`, `on` are refused).
    func bool(_ located: Located) throws(ConfigurationError) -> Bool {
        let text = try rawText(located, expected: "true or false")
        switch text {
        case "true": return true
        case "false": return false
        default: throw error("expected true or false, found '\(text)'", at: located)
        }
    }

    /// A plain decimal whole number in `range`.
    func integer(_ located: Located, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        let text = try rawText(located, expected: "a whole number")
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            digits == "0" || !digits.hasPrefix("0"), let value = Int(text)
        else {
            throw error("expected a whole number, found '\(text)'", at: located)
        }
        guard range.contains(value) else {
            throw error("must be between \(range.lowerBound) and \(range.upperBound), found \(value)", at: located)
        }
        return value
    }

    /// One of an enumeration's raw values.
    func choice<Value: RawRepresentable & CaseIterable>(
        _ located: Located, of type: Value.Type
    ) throws(ConfigurationError)
        -> Value where Value.RawValue == String
    {
        let names = Value.allCases.map(\.rawValue)
        let expected = names.dropLast().joined(separator: ", ") + " or " + names.last!
        let text = try rawText(located, expected: expected)
        guard let value = Value(rawValue: text) else {
            throw error("expected \(expected), found '\(text)'", at: located)
        }
        return value
    }

    /// A duration such as `30m` or `1h30m`, longer than zero.
    func duration(_ located: Located) throws(ConfigurationError) -> TimeInterval {
        let text = try rawText(located, expected: "a duration like 30m")
        switch DurationSyntax.parse(text) {
        case .failure(let failure):
            throw error(failure.message, at: located)
        case .success(let seconds):
            guard seconds > 0 else { throw error("must be longer than zero, found '\(text)'", at: located) }
            return seconds
        }
    }

    /// An IANA timezone that exists in the zoneinfo directory.
    func timeZone(_ located: Located) throws(ConfigurationError) -> TimeZone {
        let name = try string(located)
        switch TimeZoneLookup.zone(named: name, zoneinfoDirectory: zoneinfoDirectory) {
        case .success(let zone): return zone
        case .failure(let failure): throw error(failure.message, at: located)
        }
    }

    /// The scalar's text as written, `${VAR}` expanded; an error for lists, mappings and nulls.
    func rawText(_ located: Located, expected: String) throws(ConfigurationError) -> String {
        guard case .scalar(let scalar) = located.node else {
            throw error("expected \(expected), found \(kind(of: located.node))", at: located)
        }
        if scalar.style == .plain, Self.nullSpellings.contains(scalar.string) {
            throw error("expected \(expected), found no value", at: located)
        }
        do {
            return try EnvironmentExpansion.expand(scalar.string, environment: environment)
        } catch {
            throw self.error(error.message, at: located)
        }
    }

    private static let nullSpellings: Set<String> = ["", "~", "null", "Null", "NULL"]

    private func kind(of node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            // Never echo the text: it may be a secret written where a mapping was expected.
            if scalar.style == .plain, Self.nullSpellings.contains(scalar.string) { return "no value" }
            return "a string"
        }
    }

    // MARK: Suggestions

    private func unknownKeyMessage(_ key: String, allowed: [String]) -> String {
        let scored = allowed.map { ($0, Self.editDistance(key.lowercased(), $0)) }
        if let (best, distance) = scored.min(by: { $0.1 < $1.1 }), distance <= max(2, best.count / 3) {
            return "unknown key '\(key)' (did you mean '\(best)'?)"
        }
        return "unknown key '\(key)'; expected one of: \(allowed.joined(separator: ", "))"
    }

    /// Levenshtein distance between two strings.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            previous = current
        }
        return previous[b.count]
    }
}
