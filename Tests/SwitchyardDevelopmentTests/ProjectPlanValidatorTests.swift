import Foundation
import SwitchyardCore
import SwitchyardDevelopment
import Testing

/// The plan validator, the offline analyst and planner: pure code, no services.
@Suite struct ProjectPlanValidatorTests {
    static let transcript = Transcript(turns: [
        Turn(role: "assistant", content: "Thanks for joining. What would you like to build?"),
        Turn(role: "user", content: """
            We run a small chain of flower shops and we need a booking app called Bloom Booking. \
            Customers should be able to book a bouquet pickup online and pay with Stripe. \
            We also want staff to see the day's orders on an iPad. It has to work on mobile too.
            """),
        Turn(role: "assistant", content: "Any deadline?"),
        Turn(role: "user", content: "We'd like it in six weeks, before the spring season, so it's fairly urgent. We use React already."),
    ])

    static func plan(_ analysis: ProjectAnalysis) async throws -> JSONValue {
        try await OfflinePlanner().plan(analysis, repairing: [])
    }

    @Test func theOfflineAnalystExtractsRequirementsNameTimelineAndPriority() async throws {
        let analysis = try await OfflineAnalyst().analyse(Self.transcript)
        #expect(analysis.projectName == "Bloom Booking")
        #expect(analysis.requirements == [
            "We run a small chain of flower shops and we need a booking app called Bloom Booking.",
            "Customers should be able to book a bouquet pickup online and pay with Stripe.",
            "We also want staff to see the day's orders on an iPad.",
            "It has to work on mobile too.",
        ], "sentences that ask for something; the timeline and the stack are not requirements")
        #expect(!analysis.requirements.contains { $0.contains("What would you like") }, "the agent's questions are not requirements")
        #expect(analysis.timeline == "in six weeks")
        #expect(analysis.priority == "high")
        #expect(analysis.preferences["technologies"] == ["React", "Stripe"])
        #expect(analysis.preferences["platforms"] == ["mobile"])
        #expect(try await OfflineAnalyst().analyse(Self.transcript) == analysis, "deterministic")
    }

    @Test func theOfflineAnalystMatchesTechnologiesAsWholeWordsAndTimelinesInAnyCase() async throws {
        let transcript = Transcript(turns: [Turn(role: "user", content: """
            We need a reactive dashboard that moves swiftly. The API runs on Node.js with POSTGRESQL and AWS_Lambda. \
            Payments go through stripe. We want it live Within 3 Months.
            """)])
        let analysis = try await OfflineAnalyst().analyse(transcript)
        #expect(analysis.preferences["technologies"] == ["Node", "PostgreSQL", "Stripe"],
                "not React in 'reactive', Swift in 'swiftly' or AWS in 'AWS_Lambda'; any case")
        #expect(analysis.timeline == "Within 3 Months", "in any case, as written")
        #expect(analysis.projectName == "Reactive Dashboard Moves Swiftly", "no name given: the first requirement's words")
    }

    @Test func theOfflineAnalystReadsTextBeyondASCII() async throws {
        let transcript = Transcript(turns: [
            Turn(role: "user", content: """
                \u{3000}Café owners need a Reactéd queue for Crêpes.\u{A0}\u{200B} Ok. We want it\u{2028}in 3 weeks!
                """),
            Turn(role: "agent", content: "We need nothing from the agent's words."),
            Turn(role: "user", content: "\u{200B}\u{3000}\n"),
        ])
        let analysis = try await OfflineAnalyst().analyse(transcript)
        #expect(analysis.requirements == ["Café owners need a Reactéd queue for Crêpes.", "We want it\u{2028}in 3 weeks!"],
                "sentences trimmed of every kind of white space; 'Ok.' has fewer than three words")
        #expect(analysis.projectName == "Café Owners Reactéd Queue", "letters beyond ASCII stay inside their words")
        #expect(analysis.preferences["technologies"] == nil, "not React inside 'Reactéd'")
        #expect(analysis.timeline == "in 3 weeks")
        #expect(Transcript(.array([["role": "user", "content": "\u{200B}\u{3000}\n"]])) == nil, "a blank turn is not a turn")
    }

    @Test func theOfflinePlanIsValidAndFollowsTheAnalysis() async throws {
        let plan = try await Self.plan(try await OfflineAnalyst().analyse(Self.transcript))
        #expect(ProjectPlanValidator.problems(in: plan) == [])
        #expect(plan["name"]?.string == "Bloom Booking")
        #expect(plan["techStack"]?["frontend"] == .array(["React", "TypeScript"]))
        guard case .array(let features)? = plan["features"] else { Issue.record("no features"); return }
        #expect(features.count == 4)
        #expect(features.dropFirst().allSatisfy { $0["dependencies"] == .array(["f1"]) })
    }

    @Test func danglingDependenciesCyclesAndMissingFieldsAreNamed() async throws {
        var plan = try await Self.plan(try await OfflineAnalyst().analyse(Self.transcript))
        guard case .object(var members) = plan, case .array(var features)? = members["features"],
              case .object(var first) = features[0], case .object(var second) = features[1]
        else { Issue.record("unexpected plan shape"); return }
        first["dependencies"] = .array(["f2"])
        second["dependencies"] = .array(["f1", "f9"])
        second["priority"] = "urgent"
        features[0] = .object(first)
        features[1] = .object(second)
        members["features"] = .array(features)
        members["timeline"] = nil
        members["architecture"] = .object(["type": "mainframe", "components": .array([])])
        plan = .object(members)
        let problems = ProjectPlanValidator.problems(in: plan)
        #expect(problems.contains("features[1].dependencies[1]: 'f9' is not the id of a feature"), "\(problems)")
        #expect(problems.contains("features: dependency cycle f1 → f2 → f1"), "\(problems)")
        #expect(problems.contains("features[1].priority: expected high, medium or low, got string"), "\(problems)")
        #expect(problems.contains("timeline: missing (expected an object)"), "\(problems)")
        #expect(problems.contains("architecture.type: expected monolith, microservices or serverless, got string"), "\(problems)")
        #expect(ProjectPlanValidator.problems(in: .array([])) == ["the plan: expected an object, got array"])
    }

    @Test func transcriptsParseFromTextOrTurns() {
        let text = Transcript(.string("Agent: Hello there.\nMaria: We need an app for our clinic.\n\nplain line without speaker"))
        #expect(text?.turns == [
            Turn(role: "agent", content: "Hello there."), Turn(role: "maria", content: "We need an app for our clinic."),
            Turn(role: "unknown", content: "plain line without speaker"),
        ])
        #expect(text?.clientTurns.map(\.role) == ["maria", "unknown"])
        let turns = Transcript(.array([.object(["role": "User", "content": "Build me a shop."]), .object(["role": "x"])]))
        #expect(turns?.turns == [Turn(role: "user", content: "Build me a shop.")])
        #expect(Transcript(.string("  \n ")) == nil)
        #expect(Transcript(.int(3)) == nil)
    }
}
