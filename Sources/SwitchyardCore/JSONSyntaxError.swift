// JSON text that doesn't parse: what the parser said and where, for people to find it.

/// JSON text that is not valid JSON, with where it breaks when the parser could tell.
public struct JSONSyntaxError: Error, Sendable, CustomStringConvertible {
    /// What is wrong: `expected ',' or '}' after the member's value, got ']'`.
    public var reason: String?
    /// The byte offset (from 0) the parser pointed at, when it pointed at one.
    public var offset: Int?
    /// The line of `offset`, from 1.
    public var line: Int?
    /// The column of `offset` in its line, in bytes from 1.
    public var column: Int?

    /// Creates an error.
    /// - Parameters:
    ///   - reason: What the parser said.
    ///   - offset: The byte offset it pointed at.
    ///   - line: That offset's line, from 1.
    ///   - column: That offset's column, from 1.
    public init(reason: String?, offset: Int? = nil, line: Int? = nil, column: Int? = nil) {
        self.reason = reason
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// `not valid JSON: unexpected 'x' where a value should start (line 2, column 7)`.
    public var description: String {
        var text = "not valid JSON"
        if let reason { text += ": \(reason)" }
        if let line, let column { text += " (line \(line), column \(column))" }
        return text
    }
}
