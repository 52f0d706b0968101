// The development pipeline's settings read from the environment: the outbound allow list.

import Switchyard
import SwitchyardDevelopment
import SwitchyardHTTP
import Testing

@Suite struct DevelopmentConfigurationTests {
    @Test func theOutboundAllowListIsReadFromTheEnvironment() throws {
        #expect(try DevelopmentConfiguration(environment: [:]).outboundPolicy.description == "none")
        let configuration = try DevelopmentConfiguration(environment: ["SWITCHYARD_OUTBOUND_ALLOW": "127.0.0.0/8, localhost:8080"])
        #expect(configuration.outboundPolicy.allowedNetworks.map(\.description) == ["127.0.0.0/8"])
        #expect(configuration.outboundPolicy.allowedEndpoints.map(\.description) == ["localhost:8080"])
    }

    @Test func aBadEntryIsAConfigurationErrorNamingTheVariableAndTheEntry() {
        let error = #expect(throws: ConfigurationError.self) {
            try DevelopmentConfiguration(environment: ["SWITCHYARD_OUTBOUND_ALLOW": "127.0.0.0/8,localhost"])
        }
        #expect(error?.variable == "SWITCHYARD_OUTBOUND_ALLOW")
        #expect(error?.problem.contains("'localhost'") == true, "\(error?.problem ?? "")")
    }
}
