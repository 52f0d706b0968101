// The response value HTTPClient returns, whatever its status.

/// A complete HTTP response: status, header fields in arrival order, and the whole body.
///
/// ``HTTPClient/execute(_:)`` returns every status as a response; call ``requireSuccess(now:)``
/// to turn a non-2xx status into an ``HTTPClientError``.
public struct HTTPResponse: Sendable {
    /// The status code, for example 200.
    public var status: Int
    /// The header fields of the final response, in arrival order (interim 1xx and followed
    /// redirect responses are dropped).
    public var headers: [HTTPHeader]
    /// The body bytes.
    public var body: [UInt8]

    /// Creates a response; the client makes these, and so may fakes of services built on it.
    /// - Parameters:
    ///   - status: The status code.
    ///   - headers: The header fields.
    ///   - body: The body bytes.
    public init(status: Int, headers: [HTTPHeader] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of the first header field named `name`, ignoring case, or `nil`.
    /// - Parameter name: The field name, for example `content-type`.
    public func header(_ name: String) -> String? {
        headers.firstValue(named: name)
    }

    /// The values of every header field named `name`, ignoring case, in arrival order.
    /// - Parameter name: The field name, for example `set-cookie`.
    public func headers(named name: String) -> [String] {
        headers.filter { $0.hasName(name) }.map(\.value)
    }

    /// The body decoded as UTF-8, invalid sequences replaced by U+FFFD.
    public var bodyText: String {
        String(decoding: body, as: UTF8.self)
    }

    /// Whether the status is 2xx.
    public var isSuccess: Bool {
        (200..<300).contains(status)
    }
}
