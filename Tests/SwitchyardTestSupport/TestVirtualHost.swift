// A RabbitMQ virtual host per test, created and deleted through the management API.

import Foundation
public import Switchyard
import SwitchyardHTTP

/// A RabbitMQ virtual host of its own for a test, so that re-creating topology queues never
/// touches what other tests use. Deleted by ``delete()``.
public struct TestVirtualHost: Sendable {
    /// The vhost's name.
    public let name: String
    /// The management API client.
    public let management: RabbitMQManagement
    let http: HTTPClient

    /// The AMQP URL of this vhost.
    public var amqpURL: String {
        var components = URLComponents(string: TestEnvironment.amqpURL)!
        components.percentEncodedPath = "/" + RabbitMQManagement.encode(name)
        return components.string!
    }

    /// The environment that points `switchyard` at this vhost.
    public var environment: [String: String] {
        ["SWITCHYARD_AMQP_URL": amqpURL, "SWITCHYARD_RABBITMQ_MANAGEMENT_URL": TestEnvironment.managementURL]
    }

    /// Creates a vhost with a unique name and gives `guest` every permission on it.
    public static func create() async throws -> TestVirtualHost {
        let http = HTTPClient()
        let management = RabbitMQManagement(baseURL: URL(string: TestEnvironment.managementURL)!, http: http)
        let name = TestEnvironment.uniqueName("sy-test")
        try await management.request(.put, "/api/vhosts/\(name)")
        try await management.request(
            .put, "/api/permissions/\(name)/guest", json: Array(#"{"configure":".*","write":".*","read":".*"}"#.utf8))
        return TestVirtualHost(name: name, management: management, http: http)
    }

    /// Deletes the vhost and everything in it.
    public func delete() async {
        _ = try? await management.request(.delete, "/api/vhosts/\(name)")
        await http.shutdown()
    }
}
