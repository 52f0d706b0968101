// The one error of start-up configuration: which variable, and what is wrong with its value.

/// A configuration variable with a bad value.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The variable's name.
    public var variable: String
    /// What is wrong with its value.
    public var problem: String

    /// Creates an error.
    public init(variable: String, problem: String) {
        self.variable = variable
        self.problem = problem
    }

    public var description: String { "\(variable): \(problem)" }
}
