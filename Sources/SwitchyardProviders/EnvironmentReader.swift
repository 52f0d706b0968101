// Reading providers' settings from SWITCHYARD_* variables, with errors that name the variable.

public import Foundation
public import SwitchyardCore

/// Reads the kinds of value provider settings take (a choice, a URL, fleet-wide limits), each
/// failing with a ``ConfigurationError`` that names the variable and, for URLs, redacts
/// credentials.
public struct EnvironmentReader: Sendable {
    /// The variables.
    public let environment: [String: String]

    /// Creates a reader.
    public init(_ environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The value of `name`, one of `allowed`; `fallback` when unset.
    public func choice(_ name: String, _ allowed: [String], default fallback: String) throws(ConfigurationError) -> String {
        let value = environment[name] ?? fallback
        guard allowed.contains(value) else {
            throw ConfigurationError(variable: name, problem: "expected one of \(allowed.joined(separator: ", ")), got '\(value)'")
        }
        return value
    }

    /// An http(s) URL; `fallback` when unset (nil: required).
    public func url(_ name: String, default fallback: String?) throws(ConfigurationError) -> String {
        guard let value = environment[name] ?? fallback else {
            throw ConfigurationError(variable: name, problem: "unset; give the service's http(s) URL")
        }
        guard let url = URL(string: value), url.isHTTPServiceURL else {
            throw ConfigurationError(variable: name, problem: "expected an http(s) URL, got '\(Redaction.url(value))'")
        }
        return value
    }

    /// Whole seconds in `range`; `fallback` when unset.
    public func seconds(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws(ConfigurationError) -> Duration {
        let text = environment[name] ?? String(fallback)
        guard let seconds = Int(text), range.contains(seconds) else {
            throw ConfigurationError(variable: name, problem: "expected whole seconds in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
        }
        return .seconds(seconds)
    }

    /// The fleet-wide limits `<prefix>_RATE`, `_BURST` and `_CONCURRENCY` (none when unset).
    public func limit(_ prefix: String) throws(ConfigurationError) -> ProviderLimit {
        func number(_ suffix: String, _ range: ClosedRange<Double>) throws(ConfigurationError) -> Double? {
            guard let text = environment[prefix + suffix] else { return nil }
            guard let value = Double(text), range.contains(value) else {
                throw ConfigurationError(
                    variable: prefix + suffix, problem: "expected a number in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
            }
            return value
        }
        let rate = try number("_RATE", 0.01...100_000)
        let concurrency = try number("_CONCURRENCY", 1...10_000).map { value throws(ConfigurationError) in
            guard let whole = Int(exactly: value) else {
                throw ConfigurationError(variable: prefix + "_CONCURRENCY", problem: "expected a whole number of calls at once, got \(value)")
            }
            return whole
        }
        return ProviderLimit(
            rate: rate, burst: try number("_BURST", 1...100_000) ?? max(1, (rate ?? 1).rounded(.up)), concurrency: concurrency)
    }
}
