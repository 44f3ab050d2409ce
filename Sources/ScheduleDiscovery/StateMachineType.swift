/// A state machine's type, as ListStateMachines reports it. Read leniently: a type this code does
/// not know is kept as AWS spells it.
public enum StateMachineType: Sendable, Hashable, RawRepresentable, Codable {
    case standard
    case express
    case other(String)

    /// The type AWS calls `rawValue` (`STANDARD`, `EXPRESS`).
    public init(rawValue: String) {
        switch rawValue {
        case "STANDARD": self = .standard
        case "EXPRESS": self = .express
        default: self = .other(rawValue)
        }
    }

    /// The type as AWS spells it.
    public var rawValue: String {
        switch self {
        case .standard: "STANDARD"
        case .express: "EXPRESS"
        case .other(let value): value
        }
    }
}
