// JSON text into a JSONValue, or an error that says where the text stops being JSON.

extension JSONValue {
    /// Parses JSON text (RFC 8259) strictly: one value of any kind with optional whitespace
    /// around it (a UTF-8 byte order mark may lead), arrays and objects nested at most 512 deep.
    /// A number is `.int` when its value is an integer that `Int64` holds (`1`, `1.0`, `1e2`),
    /// else `.double`; one beyond `Double`'s range is an error. Strings must be valid UTF-8
    /// without raw control characters or lone surrogates. Of repeated member names the first
    /// wins.
    /// - Parameter bytes: The text, UTF-8.
    /// - Throws: ``JSONSyntaxError`` saying what is wrong, with the byte offset and its line and
    ///   column.
    public init(parsing bytes: [UInt8]) throws(JSONSyntaxError) {
        self = try JSONReader.read(bytes)
    }
}
