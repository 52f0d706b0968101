// The request method type and the common methods.

/// An HTTP request method. Any token is allowed; the common ones are static members.
public struct HTTPMethod: Sendable, Hashable, CustomStringConvertible {
    /// The method as sent on the request line, for example `GET`.
    public let name: String

    /// Creates a method from its name; ``HTTPClient/execute(_:)`` rejects names that are not tokens.
    /// - Parameter name: The method name, case-sensitive (`GET`, not `get`).
    public init(_ name: String) {
        self.name = name
    }

    /// `GET`.
    public static let get = HTTPMethod("GET")
    /// `HEAD`: the response has headers and no body.
    public static let head = HTTPMethod("HEAD")
    /// `POST`.
    public static let post = HTTPMethod("POST")
    /// `PUT`.
    public static let put = HTTPMethod("PUT")
    /// `PATCH`.
    public static let patch = HTTPMethod("PATCH")
    /// `DELETE`.
    public static let delete = HTTPMethod("DELETE")
    /// `OPTIONS`.
    public static let options = HTTPMethod("OPTIONS")

    /// The method name.
    public var description: String { name }
}
