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
    /// The broker's AMQP URL (a cluster's node URLs separated by commas), on any vhost.
    let brokerURL: String
    /// The management API URL (or URLs, separated by commas).
    let managementURL: String
    let http: HTTPClient

    /// The AMQP URL of this vhost (one per node of a cluster, separated by commas).
    public var amqpURL: String {
        brokerURL.split(separator: ",").map { node in
            var components = URLComponents(string: String(node))!
            components.percentEncodedPath = "/" + RabbitMQManagement.encode(name)
            return components.string!
        }.joined(separator: ",")
    }

    /// The environment that points `switchyard` at this vhost.
    public var environment: [String: String] {
        ["SWITCHYARD_AMQP_URL": amqpURL, "SWITCHYARD_RABBITMQ_MANAGEMENT_URL": managementURL]
    }

    /// Creates a vhost with a unique name and gives `guest` every permission on it.
    /// - Parameter cluster: The cluster to create it on; nil: the single test broker.
    public static func create(on cluster: TestCluster? = nil) async throws -> TestVirtualHost {
        let http = HTTPClient()
        let managementURL = cluster?.managementURL ?? TestEnvironment.managementURL
        let management = RabbitMQManagement(
            baseURLs: managementURL.split(separator: ",").map { URL(string: String($0))! }, http: http)
        let name = TestEnvironment.uniqueName("sy-test")
        try await management.request(.put, "/api/vhosts/\(name)")
        try await management.request(
            .put, "/api/permissions/\(name)/guest", json: Array(#"{"configure":".*","write":".*","read":".*"}"#.utf8))
        return TestVirtualHost(
            name: name, management: management, brokerURL: cluster?.amqpURL ?? TestEnvironment.amqpURL,
            managementURL: managementURL, http: http)
    }

    /// Deletes the vhost and everything in it.
    public func delete() async {
        _ = try? await management.request(.delete, "/api/vhosts/\(name)")
        await http.shutdown()
    }
}
