// The providers' shared settings read from the environment: the language model and the outbound allow list.

import SwitchyardCore
import SwitchyardHTTP
import SwitchyardProviders
import Testing

@Suite struct ProvidersConfigurationTests {
    @Test func theOutboundAllowListIsReadFromTheEnvironment() throws {
        #expect(try ProvidersConfiguration(environment: [:]).outboundPolicy.description == "none")
        let configuration = try ProvidersConfiguration(environment: ["SWITCHYARD_OUTBOUND_ALLOW": "127.0.0.0/8, localhost:8080"])
        #expect(configuration.outboundPolicy.allowedNetworks.map(\.description) == ["127.0.0.0/8"])
        #expect(configuration.outboundPolicy.allowedEndpoints.map(\.description) == ["localhost:8080"])
    }

    @Test func aBadEntryIsAConfigurationErrorNamingTheVariableAndTheEntry() {
        let error = #expect(throws: ConfigurationError.self) {
            try ProvidersConfiguration(environment: ["SWITCHYARD_OUTBOUND_ALLOW": "127.0.0.0/8,localhost"])
        }
        #expect(error?.variable == "SWITCHYARD_OUTBOUND_ALLOW")
        #expect(error?.problem.contains("'localhost'") == true, "\(error?.problem ?? "")")
    }

    @Test func theLanguageModelIsOfflineUnlessChosen() throws {
        #expect(try ProvidersConfiguration(environment: [:]).languageModel == nil)
        let chosen = try ProvidersConfiguration(environment: [
            "SWITCHYARD_LLM": "openai", "SWITCHYARD_OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "SWITCHYARD_LLM_TIMEOUT_SECONDS": "5",
        ])
        #expect(chosen.languageModel?.baseURL == "http://127.0.0.1:9/v1" && chosen.languageModel?.timeout == .seconds(5))
        let error = #expect(throws: ConfigurationError.self) {
            try ProvidersConfiguration(environment: ["SWITCHYARD_LLM": "openai", "SWITCHYARD_LLM_TIMEOUT_SECONDS": "0"])
        }
        #expect(error?.variable == "SWITCHYARD_LLM_TIMEOUT_SECONDS")
    }

    /// OpenAI's own API refuses every call without a key, so it is refused at start; a
    /// compatible server elsewhere may take none.
    @Test func openAIsOwnAPINeedsAKeyAndAServerOfOnesOwnMayTakeNone() throws {
        for environment in [["SWITCHYARD_LLM": "openai"], ["SWITCHYARD_LLM": "openai", "SWITCHYARD_OPENAI_API_KEY": ""],
                            ["SWITCHYARD_LLM": "openai", "SWITCHYARD_OPENAI_BASE_URL": "https://API.openai.com/v1"]] {
            let error = #expect(throws: ConfigurationError.self) { try ProvidersConfiguration(environment: environment) }
            #expect(error?.variable == "SWITCHYARD_OPENAI_API_KEY", "\(environment)")
        }
        let keyed = try ProvidersConfiguration(environment: ["SWITCHYARD_LLM": "openai", "SWITCHYARD_OPENAI_API_KEY": "sk-test"])
        #expect(keyed.languageModel?.apiKey == "sk-test" && keyed.languageModel?.baseURL == "https://api.openai.com/v1")
        let local = try ProvidersConfiguration(environment: [
            "SWITCHYARD_LLM": "openai", "SWITCHYARD_OPENAI_BASE_URL": "http://127.0.0.1:11434/v1", "SWITCHYARD_OPENAI_API_KEY": "",
        ])
        #expect(local.languageModel != nil && local.languageModel?.apiKey == nil, "an empty key is no key: no bare 'Bearer' header")
    }

    @Test func limitsAreReadAndACallCountMustBeWhole() throws {
        let limit = try ProvidersConfiguration(environment: ["SWITCHYARD_LLM_RATE": "2.5", "SWITCHYARD_LLM_CONCURRENCY": "4"]).llmLimit
        #expect(limit.rate == 2.5 && limit.burst == 3 && limit.concurrency == 4)
        let error = #expect(throws: ConfigurationError.self) {
            try ProvidersConfiguration(environment: ["SWITCHYARD_LLM_CONCURRENCY": "2.5"])
        }
        #expect(error?.variable == "SWITCHYARD_LLM_CONCURRENCY")
        #expect(error?.problem == "expected a whole number of calls at once, got 2.5")
    }

    /// `URL` parses `:99999` and `:0`; a service URL with a port that can't exist is refused
    /// at start, not on the first call.
    @Test(arguments: ["http://127.0.0.1:99999/v1", "http://127.0.0.1:0/v1", "ftp://127.0.0.1/v1", "http:///v1", "127.0.0.1:8080"])
    func aServiceURLThatNamesNoReachablePortOrHostIsRefused(url: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try ProvidersConfiguration(environment: ["SWITCHYARD_LLM": "openai", "SWITCHYARD_OPENAI_BASE_URL": url])
        }
        #expect(error?.variable == "SWITCHYARD_OPENAI_BASE_URL")
        #expect(error?.problem == "expected an http(s) URL, got '\(url)'")
    }
}
