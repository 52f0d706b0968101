// The error of the topology module: a bad topology file, or a broker that does not match.

/// A problem with the topology file or with applying it.
public struct TopologyError: Error, Sendable, CustomStringConvertible {
    /// What is wrong and where.
    public var message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
