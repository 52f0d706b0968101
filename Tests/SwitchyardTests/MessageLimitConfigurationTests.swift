import Switchyard
import SwitchyardAMQP
import Testing

/// `SWITCHYARD_MESSAGE_LIMIT`: the largest body a process publishes or keeps.
@Suite struct MessageLimitConfigurationTests {
    @Test func theLimitDefaultsToTheBrokersConfiguredMaximumAndCanBeSet() throws {
        #expect(try SwitchyardConfiguration(environment: [:]).amqp.messageLimit == 16 * 1024 * 1024)
        #expect(try SwitchyardConfiguration(environment: ["SWITCHYARD_MESSAGE_LIMIT": "65536"]).amqp.messageLimit == 65_536)
    }

    @Test func aLimitOutsideWhatRabbitMQTakesNamesTheVariableAndTheRange() {
        for value in ["1024", "536870913", "16MiB", "-1"] {
            #expect {
                try SwitchyardConfiguration(environment: ["SWITCHYARD_MESSAGE_LIMIT": value])
            } throws: { error in
                "\(error)" == "SWITCHYARD_MESSAGE_LIMIT: expected an integer in 4096...536870912, got '\(value)'"
            }
        }
    }
}
