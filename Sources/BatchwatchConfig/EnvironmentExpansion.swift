import Foundation

/// Expands `${VAR}` from an environment; `$${` stands for a literal `${`.
enum EnvironmentExpansion {
    /// Why a value could not be expanded.
    enum Failure: Error, Equatable {
        case unset(String)
        case malformed(String)

        var message: String {
            switch self {
            case .unset(let name): return "environment variable \(name) is not set"
            case .malformed(let reason): return reason
            }
        }
    }

    /// `text` with every `${NAME}` replaced by `environment[NAME]`.
    static func expand(_ text: String, environment: [String: String]) throws(Failure) -> String {
        guard text.contains("$") else { return text }
        var result = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            let afterDollar = rest[rest.index(after: dollar)...]
            if afterDollar.hasPrefix("${") {
                result += "${"
                rest = afterDollar.dropFirst(2)
            } else if afterDollar.hasPrefix("{") {
                guard let close = afterDollar.firstIndex(of: "}") else {
                    throw .malformed("'${' has no closing '}' (write $${ for a literal ${)")
                }
                let name = String(afterDollar[afterDollar.index(after: afterDollar.startIndex)..<close])
                guard isVariableName(name) else {
                    throw .malformed("'${\(name)}' is not a variable name (letters, digits and _)")
                }
                guard let value = environment[name] else { throw .unset(name) }
                result += value
                rest = afterDollar[afterDollar.index(after: close)...]
            } else {
                result += "$"
                rest = afterDollar
            }
        }
        return result + rest
    }

    private static func isVariableName(_ name: String) -> Bool {
        guard let first = name.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
        return name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }
}
