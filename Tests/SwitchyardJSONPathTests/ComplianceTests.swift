// Every case of the JSONPath Compliance Test Suite: invalid selectors are refused, valid ones
// give the expected values and normalized paths.

import SwitchyardCore
import SwitchyardJSONPath
import Testing

@Suite struct ComplianceTests {
    @Test func theSuiteIsThereAndComplete() throws {
        let cases = try ComplianceSuite.load()
        #expect(cases.count == ComplianceSuite.expectedCount)
        #expect(ComplianceSuite.cases.count == cases.count)
    }

    @Test(arguments: ComplianceSuite.cases)
    func complianceCase(_ test: ComplianceCase) throws {
        if test.invalidSelector == true {
            #expect(throws: JSONPathError.self, "\(test.selector) must be refused") { try JSONPath(test.selector) }
            return
        }
        let query: JSONPath
        do {
            query = try JSONPath(test.selector)
        } catch {
            Issue.record("\(test.selector) was refused: \(error)")
            return
        }
        let document = try #require(test.document)
        let nodes = query.evaluate(document)
        let values = nodes.map(\.value), paths = nodes.map(\.path)
        #expect(query.values(in: document) == values)
        if let expected = test.result {
            #expect(values == expected)
            #expect(paths == test.resultPaths)
        } else {
            let alternatives = try #require(test.results)
            let alternativePaths = try #require(test.resultsPaths)
            let matching = alternatives.indices.filter { alternatives[$0] == values && alternativePaths[$0] == paths }
            #expect(!matching.isEmpty, "\(values) at \(paths) is none of \(alternatives) at \(alternativePaths)")
        }
    }
}
