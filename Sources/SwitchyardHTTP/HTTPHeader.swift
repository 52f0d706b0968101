// One HTTP header field as sent or received, and the case-insensitive name match used on lists of them.

/// One header field: a name and a value, kept in the order they were given or received.
///
/// Names compare case-insensitively (``hasName(_:)``); the list that holds them keeps duplicates,
/// as HTTP allows (`Set-Cookie`, `Via`).
public struct HTTPHeader: Sendable, Hashable {
    /// The field name as written, for example `Content-Type`.
    public var name: String
    /// The field value, without surrounding whitespace.
    public var value: String

    /// Creates a header field.
    /// - Parameters:
    ///   - name: The field name, a token (letters, digits and ``!#$%&'*+-.^_`|~``).
    ///   - value: The field value; it must not contain CR, LF or NUL.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// Whether this field's name equals `other`, ignoring ASCII case.
    /// - Parameter other: The name to compare with.
    public func hasName(_ other: String) -> Bool {
        name.utf8.elementsEqual(other.utf8) { asciiLowercase($0) == asciiLowercase($1) }
    }
}

extension HTTPHeader {
    /// The fields that frame a request or manage its connection, lowercased. libcurl writes them
    /// itself, from the body and its own connection handling; a caller's value would make the
    /// server read the body, or the next request on a pooled connection, differently from how
    /// libcurl sent it (request smuggling). ``HTTPClient`` refuses a request that carries one.
    public static let framingNames: Set<String> = [
        "content-length", "transfer-encoding", "connection", "keep-alive", "proxy-connection", "upgrade", "te", "trailer",
    ]

    /// Whether this field is one of ``framingNames``.
    public var isFraming: Bool { Self.framingNames.contains(name.lowercased()) }
}

extension [HTTPHeader] {
    /// The value of the first field named `name` (case-insensitive), or `nil`.
    func firstValue(named name: String) -> String? {
        first { $0.hasName(name) }?.value
    }

    /// Whether some field is named `name` (case-insensitive).
    func contains(named name: String) -> Bool {
        contains { $0.hasName(name) }
    }
}

private func asciiLowercase(_ byte: UInt8) -> UInt8 {
    (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
}
