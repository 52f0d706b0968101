import Foundation
import Hummingbird
import Logging
import SwitchyardAMQP
import SwitchyardAPI
@testable import SwitchyardIngress
import SwitchyardPostgres
import Testing

/// The OpenAPI document and the router agree: every route is documented with its method, and
/// every documented operation is routed. No server is needed: the router is built and read.
@Suite struct OpenAPIRouteTests {
    @Test func everyRouteIsDocumentedAndEveryDocumentedOperationIsRouted() throws {
        let url = "postgresql://nobody@127.0.0.1:1/none"
        let server = try IngressServer(
            configuration: try IngressConfiguration(environment: [:]),
            pool: PostgresPool(configuration: .init(url: url, maxConnections: 1)),
            acceptancePool: PostgresPool(configuration: .init(url: url, maxConnections: 1)),
            publisher: BrokerPublisher(configuration: try AMQPConnection.Configuration(url: "amqp://127.0.0.1:1/")),
            liveUpdates: LiveUpdateHub(databaseURL: url, logger: Logger(label: "test")),
            eventsExchange: "sy.events", metrics: nil, logger: Logger(label: "test"))
        // Hummingbird writes parameters as :name, OpenAPI as {name}.
        let routed = Set(try server.router().routes.map { route in
            let path = "/" + route.path.description.split(separator: "/").map { segment in
                segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
            }.joined(separator: "/")
            return "\(route.method.rawValue) \(path)"
        })
        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.load().utf8)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
        // /metrics is routed only when the process serves metrics (the CLI always does).
        #expect(routed.subtracting(documented).isEmpty, "routed but not documented: \(routed.subtracting(documented).sorted())")
        #expect(documented.subtracting(routed).subtracting(["GET /metrics"]).isEmpty,
                "documented but not routed: \(documented.subtracting(routed).sorted())")
        #expect(routed.count == 39, "\(routed.sorted())")
    }
}
