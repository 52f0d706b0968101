import Foundation
import SwitchyardCore
import SwitchyardIngress
import SwitchyardTestSupport
import Testing

/// Bad settings stop the ingress at start-up with the variable's name.
@Suite struct IngressConfigurationTests {
    @Test func defaultsAndSecretsAreRead() throws {
        let configuration = try IngressConfiguration(environment: ["SWITCHYARD_WEBHOOK_SECRET_TAVUS": "\(IngressHarness.secret), \(IngressHarness.rotatedSecret)"])
        #expect(configuration.port == 8080)
        #expect(configuration.bodyLimit == 256 * 1024)
        #expect(configuration.publishConfirmTimeout == 5)
        #expect(configuration.webhooks[.tavus]?.verifier != nil)
        #expect(configuration.webhooks[.kiro]?.verifier == nil, "no secret: the source is refused")
        #expect(configuration.webhooks[.kiro]?.tenantName == "default")
    }

    /// The job API's settings are read as its routes are made: a bad one stops the ingress at
    /// start, naming the variable, in one line.
    @Test(arguments: [
        ("SWITCHYARD_JOB_ANSWER_BUDGET", "1000"),
        ("SWITCHYARD_HTTP_MIN_SEND_RATE", "1000"),
        ("SWITCHYARD_HTTP_MIN_SEND_RATE", "fast"),
    ])
    func aBadRouteSettingStopsTheIngressNamingIt(variable: String, value: String) throws {
        let outcome = try SwitchyardProcess.run(["ingress"], environment: [variable: value])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains(variable), "\(outcome.standardError)")
        #expect(outcome.standardError.split(separator: "\n").count == 1, "one line")
    }

    /// `switchyard console` serves live-update streams too, and reads their settings as the
    /// ingress does.
    @Test(arguments: [("SWITCHYARD_SSE_POLL_MS", "5"), ("SWITCHYARD_SSE_HEARTBEAT", "0")])
    func aBadLiveUpdateSettingStopsTheConsoleNamingIt(variable: String, value: String) throws {
        let outcome = try SwitchyardProcess.run(["console", "--port", "18099"], environment: [variable: value])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains(variable), "\(outcome.standardError)")
        #expect(outcome.standardError.split(separator: "\n").count == 1, "one line")
    }

    @Test(arguments: [
        ("SWITCHYARD_WEBHOOK_SECRET_TAVUS", "whsec_not base64!"),
        ("SWITCHYARD_WEBHOOK_SECRET_KIRO", " , "),
        ("SWITCHYARD_HTTP_PORT", "eighty"),
        ("SWITCHYARD_HTTP_BODY_LIMIT", "0"),
        ("SWITCHYARD_PUBLISH_CONFIRM_TIMEOUT", "0"),
        ("SWITCHYARD_PUBLISH_CONFIRM_TIMEOUT", "5s"),
        ("SWITCHYARD_SSE_POLL_MS", "5"),
        ("SWITCHYARD_SSE_POLL_MS", "0.1s"),
        ("SWITCHYARD_WEBHOOK_TENANT_TAVUS", " "),
        ("SWITCHYARD_WEBHOOK_TENANT_TAVUS", "acme corp"),
        ("SWITCHYARD_WEBHOOK_TENANT_KIRO", "-acme"),
        ("SWITCHYARD_WEBHOOK_TENANT_KIRO", String(repeating: "a", count: 64)),
        ("SWITCHYARD_WEBHOOK_TENANT_TAVUS", "a\u{1}b"),
    ])
    func aBadValueNamesItsVariable(variable: String, value: String) throws {
        #expect(throws: ConfigurationError.self) { try IngressConfiguration(environment: [variable: value]) }
        do {
            _ = try IngressConfiguration(environment: [variable: value])
        } catch {
            #expect(error.variable == variable)
        }
        let outcome = try SwitchyardProcess.run(["ingress"], environment: [variable: value])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains(variable), "\(outcome.standardError)")
        #expect(outcome.standardError.split(separator: "\n").count == 1, "one line")
    }
}
