// The analysis and the transcript are stored from their JSONValue forms: the same members as
// their Codable forms, so what the planner decodes is what the analyst wrote.

import Foundation
import SwitchyardCore
import SwitchyardDevelopment
import Testing

@Suite struct StoredFormTests {
    @Test func anAnalysisIsStoredWithTheMembersOfItsCodableForm() throws {
        let analysis = ProjectAnalysis(
            projectName: "Shop \"Öl\"", description: "A/B test\nsecond line", requirements: ["login", "cart"],
            preferences: ["technologies": ["React", "AWS"], "platforms": []], timeline: "in 6 weeks", priority: "high")
        #expect(try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(analysis)) == analysis.json)
        #expect(try JSONDecoder().decode(ProjectAnalysis.self, from: Data(analysis.json.jsonBytes)) == analysis)
    }

    @Test func aTurnIsStoredWithTheMembersOfItsCodableForm() throws {
        let turn = Turn(role: "user", content: "tab\there, \"quotes\", \u{1} and é")
        #expect(try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(turn)) == turn.json)
        #expect(try JSONDecoder().decode(Turn.self, from: Data(turn.json.jsonBytes)) == turn)
    }
}
