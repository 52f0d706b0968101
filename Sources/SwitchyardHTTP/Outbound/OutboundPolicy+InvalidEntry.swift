// The error for an allow list that cannot be read.

extension OutboundPolicy {
    /// An allow-list entry that is neither a CIDR block nor a `host:port` pair.
    public struct InvalidEntry: Error, Sendable, Equatable, CustomStringConvertible {
        /// The entry as written (without surrounding blanks).
        public let entry: String
        /// What is wrong with it.
        public let problem: String

        /// Creates the error.
        /// - Parameters:
        ///   - entry: The malformed entry.
        ///   - problem: What is wrong with it.
        public init(entry: String, problem: String) {
            self.entry = entry
            self.problem = problem
        }

        /// `'entry': problem`.
        public var description: String { "'\(entry)': \(problem)" }
    }
}
