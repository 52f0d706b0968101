// The part of RabbitMQ's management HTTP API that `topology verify` needs: a vhost's definitions.

public import Foundation
public import SwitchyardHTTP

/// A client of the RabbitMQ management API (the `rabbitmq_management` plugin), on one node or
/// on several nodes of a cluster: a request goes to the next node when one can't be reached.
public struct RabbitMQManagement: Sendable {
    /// The API's base URLs, with credentials (`http://user:password@host:15672`), one per node.
    public var baseURLs: [URL]
    let http: HTTPClient

    /// Creates a client of one node.
    /// - Parameters:
    ///   - baseURL: The API's base URL with credentials.
    ///   - http: The HTTP client to send requests with.
    public init(baseURL: URL, http: HTTPClient) {
        self.init(baseURLs: [baseURL], http: http)
    }

    /// Creates a client of a cluster's nodes, tried in order.
    /// - Parameters:
    ///   - baseURLs: The nodes' API base URLs with credentials (at least one).
    ///   - http: The HTTP client to send requests with.
    public init(baseURLs: [URL], http: HTTPClient) {
        precondition(!baseURLs.isEmpty, "RabbitMQManagement needs a base URL")
        self.baseURLs = baseURLs
        self.http = http
    }

    /// The exchanges, queues and bindings of a virtual host (`GET /api/definitions/{vhost}`).
    /// - Throws: ``TopologyError`` when the API can't be reached or answers with an error.
    public func definitions(virtualHost: String) async throws -> BrokerDefinitions {
        let response = try await request(.get, "/api/definitions/\(Self.encode(virtualHost))")
        do {
            return try JSONDecoder().decode(BrokerDefinitions.self, from: Data(response.body))
        } catch {
            throw TopologyError("the management API sent definitions that could not be read: \(error)")
        }
    }

    /// Sends a request to the API and requires a 2xx answer. A node that can't be reached is
    /// skipped for the next; an answer (2xx or not) ends the search.
    /// - Parameters:
    ///   - method: The method.
    ///   - path: The path below the base URL, with each segment already percent-encoded.
    ///   - json: A JSON body, if any.
    /// - Throws: ``TopologyError`` saying what failed.
    @discardableResult
    public func request(_ method: HTTPMethod, _ path: String, json: [UInt8]? = nil) async throws -> HTTPResponse {
        let headers = json == nil ? [] : [HTTPHeader("Content-Type", "application/json")]
        var failure: (any Error)?
        var where_ = ""
        for baseURL in baseURLs {
            let url = baseURL.absoluteString.trimmingSuffix("/") + path
            where_ = "\(method) \(SwitchyardConfiguration.redacted(url))"
            do {
                return try await http.execute(HTTPRequest(method: method, url: url, headers: headers, body: json))
                    .requireSuccess()
            } catch let error as HTTPClientError where error.code != .httpStatus {
                failure = error
            } catch {
                failure = error
                break
            }
        }
        throw TopologyError("the RabbitMQ management API failed (\(where_)): \(failure.map { "\($0)" } ?? "no node"). "
            + "Is the rabbitmq_management plugin enabled and SWITCHYARD_RABBITMQ_MANAGEMENT_URL right?")
    }

    /// Percent-encodes one path segment (`/` becomes `%2F`).
    public static func encode(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? segment
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
