// Placeholders in configured transformers' strings, and the secrets kept out of outputs.

import SwitchyardCore
import SwitchyardWorkflows
import Testing

struct TemplateTests {
    let input: JSONValue = ["user": ["name": "Ada", "tags": ["x", "y"]], "n": 3]

    @Test func inputPathsAndSecretsAreReplaced() throws {
        let template = try Template("Hi {{ input.user.name }} ({{input.user.tags.1}}, {{input.n}}) {{secrets.token}}")
        #expect(try template.render(input: input, secrets: ["token": "t0k"]) == "Hi Ada (y, 3) t0k")
        #expect(try Template("{{input.user.tags}}").render(input: input, secrets: [:]) == #"["x","y"]"#)
        #expect(try Template("plain").isLiteral)
    }

    @Test func badPlaceholdersAreRefusedWithTheirPosition() {
        #expect(throws: Template.Problem.self) { try Template("a {{input.x") }
        #expect((try? Template("a {{input.x")) == nil)
        do {
            _ = try Template("ab {{env.HOME}}")
            Issue.record("{{env.HOME}} is not a placeholder")
        } catch {
            #expect(error.description == "'{{env.HOME}}' at 3: expected {{input}}, {{input.name}} or {{secrets.name}}")
        }
        #expect((try? Template("{{secrets}}")) == nil)
        #expect((try? Template("{{secrets.a.b}}")) == nil)
    }

    @Test func missingValuesAndSecretsAreErrors() throws {
        #expect(throws: Template.Problem.self) { try Template("{{input.user.age}}").render(input: input, secrets: [:]) }
        #expect(throws: Template.Problem.self) { try Template("{{secrets.key}}").render(input: input, secrets: [:]) }
    }

    @Test func settingsAreCheckedPerTypeWithPointers() {
        let problems = TransformerSettings.problems(
            of: ["url": "https://x/{{secrets.nope}}", "method": "BREW", "colour": "red", "timeout_seconds": 500],
            type: .http, secretNames: ["token"], at: JSONPointer.root.appending("config"))
        #expect(problems.map(\.description).sorted() == [
            "/config/colour: unknown setting for http; expected method, url, headers, body, timeout_seconds",
            "/config/method: expected one of GET, POST, PUT, PATCH, DELETE, HEAD, got \"BREW\"",
            "/config/timeout_seconds: expected a whole number in 1.0...100.0, got 500",
            "/config/url: {{secrets.nope}}: no secret 'nope' in config.secrets",
        ])
        #expect(TransformerSettings.problems(of: ["seconds": 5], type: .echo, secretNames: [], at: .root).map(\.description)
            == ["/seconds: echo takes no configuration"])
        #expect(TransformerSettings.problems(of: ["prompt": "Sum up {{input.text}}", "json": true], type: .llm, secretNames: [], at: .root).isEmpty)
    }

    @Test func aURLWithoutPlaceholdersMustBeOneARequestCouldGoTo() {
        func problems(_ url: String) -> [String] {
            TransformerSettings.problems(of: ["url": .string(url)], type: .http, secretNames: [], at: .root).map(\.description)
        }
        #expect(problems("") == ["/url: URL is not a URL libcurl can parse: "])
        #expect(problems("../../etc") == ["/url: URL is not a URL libcurl can parse: ../../etc"])
        #expect(problems("ftp://files.example.com/a") == ["/url: refused a ftp: URL: only http and https may be fetched"])
        #expect(problems("https://user:pw@api.example.com/") == ["/url: refused https://api.example.com: user information (user:password@) is not allowed in the URL"])
        #expect(problems("https://api.example.com/v1/items").isEmpty)
        #expect(problems("{{input.url}}").isEmpty, "a URL made at run time is checked at run time")
        #expect(problems("https://{{input.host}}/x").isEmpty)
    }
}
