// Settings read from environment variables, each bad value refused naming its variable.

public import Foundation

/// The process's `SWITCHYARD_*` variables, read as typed settings: a variable that is absent
/// gives the default, one whose value doesn't fit throws ``ConfigurationError`` naming it.
public struct ConfigurationVariables: Sendable {
    /// The variables.
    public let environment: [String: String]

    /// Reads from `environment`.
    public init(_ environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// An integer within `range`, surrounding spaces allowed.
    public func integer(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let text = environment[name] else { return fallback }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            throw ConfigurationError(variable: name, problem: "expected an integer in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
        }
        return value
    }

    /// `1` (on) or `0` (off); absent or empty gives the default.
    public func flag(_ name: String, default fallback: Bool) throws(ConfigurationError) -> Bool {
        switch environment[name]?.trimmingCharacters(in: .whitespaces) {
        case nil, "": return fallback
        case "1": return true
        case "0": return false
        case let text?: throw ConfigurationError(variable: name, problem: "expected 0 or 1, got '\(text)'")
        }
    }
}
