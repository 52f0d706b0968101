// The one error of the JSONPath module: a query that is not RFC 9535 JSONPath, with where it
// stops being one.

/// A query that can't be compiled: what is wrong and where; or one whose evaluation needed more
/// work than it was allowed.
///
/// Its description reads `at 7: expected ']'`, the position counted in characters (Unicode
/// scalars) from 0 at the query's `$`.
public struct JSONPathError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of mistake this is. Extensible: new codes never break a caller's `switch`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The text doesn't follow the grammar (a missing `]`, a bad escape, whitespace where
        /// none may be).
        public static let syntax = Code("syntax")
        /// An index, slice bound or step outside ±(2^53 - 1), the exact integers of I-JSON.
        public static let integerOutOfRange = Code("integerOutOfRange")
        /// A function the query names doesn't exist.
        public static let unknownFunction = Code("unknownFunction")
        /// The expression is not well-typed: a literal or a value where a logical expression
        /// must stand, a non-singular query in a comparison, an argument of the wrong type or
        /// the wrong number of arguments.
        public static let notWellTyped = Code("notWellTyped")
        /// Filters, parentheses and function calls nested deeper than
        /// ``JSONPath/maximumNestingDepth``.
        public static let nestingTooDeep = Code("nestingTooDeep")
        /// Not a mistake in the query: its evaluation on a document needed more work than
        /// ``JSONPath/values(in:workLimit:)`` was allowed.
        public static let workLimitExceeded = Code("workLimitExceeded")
        /// Not a mistake in the query: its evaluation on a document selected more nodes at once
        /// than it may hold (``JSONPath/defaultNodeLimit``, or a tenth of a larger work limit).
        public static let nodeLimitExceeded = Code("nodeLimitExceeded")
        /// Not a mistake in the query: the values that queries selected come to more JSON text
        /// than their caller may write (a workflow map's result, which repeats a subtree as
        /// often as the queries select it).
        public static let resultTooLarge = Code("resultTooLarge")
    }

    /// What kind of mistake this is.
    public var code: Code
    /// What is wrong, for people: `expected ']'`.
    public var message: String
    /// Where: the offset in the query, in Unicode scalars from 0.
    public var position: Int

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of mistake.
    ///   - message: What is wrong.
    ///   - position: The offset in the query, in Unicode scalars.
    public init(_ code: Code, _ message: String, at position: Int) {
        self.code = code
        self.message = message
        self.position = position
    }

    /// `at 7: expected ']'`.
    public var description: String { "at \(position): \(message)" }
}
