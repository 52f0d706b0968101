// The JSONPath Compliance Test Suite (jsonpath-standard/jsonpath-compliance-test-suite), read
// from the copy in jsonpath-cts/ (the suite's commit 7be7c1f, BSD-2).

import Foundation
import SwitchyardCore
import Testing

/// One case of the suite: a selector that must be refused, or a document and the nodelist
/// (or one of several acceptable nodelists) the selector gives, values and normalized paths.
struct ComplianceCase: Decodable, Sendable, CustomTestStringConvertible {
    var name: String
    var selector: String
    var document: JSONValue?
    var result: [JSONValue]?
    var results: [[JSONValue]]?
    var resultPaths: [String]?
    var resultsPaths: [[String]]?
    var invalidSelector: Bool?

    enum CodingKeys: String, CodingKey {
        case name, selector, document, result, results
        case resultPaths = "result_paths", resultsPaths = "results_paths", invalidSelector = "invalid_selector"
    }

    var testDescription: String { name }
}

/// The suite's file and its cases.
enum ComplianceSuite {
    /// `jsonpath-cts/cts.json` of this test target: a copy of the suite (BSD-2, its LICENSE
    /// beside it) from `../shared/testdata/jsonpath-cts/`, so the tests run from any clone.
    static var file: URL {
        Bundle.module.url(forResource: "cts", withExtension: "json", subdirectory: "jsonpath-cts")
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "jsonpath-cts/cts.json")
    }

    /// How many cases the suite has (commit 7be7c1f).
    static let expectedCount = 703

    private struct File: Decodable {
        var tests: [ComplianceCase]
    }

    /// Every case, read from ``file``.
    static func load() throws -> [ComplianceCase] {
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw MissingSuite(description: "the JSONPath compliance suite is missing: expected it at \(file.path)")
        }
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: file)).tests
    }

    /// The cases for the parameterized test; empty when the file can't be read, which
    /// `theSuiteIsThereAndComplete` reports.
    static let cases: [ComplianceCase] = (try? load()) ?? []

    struct MissingSuite: Error, CustomStringConvertible {
        var description: String
    }
}
