// `SwitchyardBench jsonpath`: microseconds per evaluation of compiled JSONPath queries on one
// document (bench/jsonpath.sh; bench/jsonpath_peer.py measures the Python peer the same way).
//
// For each query of --queries ([{"label", "query"}]) and each mode:
//   values          JSONPath.values(in:) of the query compiled once
//   nodes           JSONPath.evaluate(_:): the nodes with their normalized paths as strings
//   compile+values  JSONPath(query) and values(in:) every time
// the number of iterations per round is calibrated to --round-seconds, one round is run and
// discarded (warm-up), then --rounds rounds are timed; each round gives microseconds per
// evaluation, and the record carries the median and every round.

import Foundation
import SwitchyardCore
import SwitchyardJSONPath

struct JSONPathBench {
    static let usage = """
        usage: SwitchyardBench jsonpath --document FILE --queries FILE [--rounds 7] [--round-seconds 0.2] [--run 1]
        Records: one JSON line per query and mode on stdout (and $BENCH_JSONL): metric values_us,
        nodes_us or compile_values_us, value = the median of the rounds' microseconds per evaluation.
        """

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    struct Query: Decodable {
        var label: String
        var query: String
    }

    var document: JSONValue
    var queries: [Query]
    var rounds = 7
    var roundSeconds = 0.2
    var run = 1

    static func parse(_ arguments: [String]) throws -> JSONPathBench {
        var documentPath: String?, queriesPath: String?
        var rounds = 7, roundSeconds = 0.2, run = 1
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw Invalid(description: "\(flag) needs a value") }
            switch flag {
            case "--document": documentPath = value
            case "--queries": queriesPath = value
            case "--rounds": rounds = try positive(Int(value), flag, value)
            case "--round-seconds": roundSeconds = try positive(Double(value), flag, value)
            case "--run": run = try positive(Int(value), flag, value)
            default: throw Invalid(description: "unknown option \(flag)")
            }
        }
        guard let documentPath, let queriesPath else { throw Invalid(description: "--document and --queries are required") }
        guard let documentBytes = FileManager.default.contents(atPath: documentPath),
              let queriesBytes = FileManager.default.contents(atPath: queriesPath)
        else { throw Invalid(description: "cannot read \(documentPath) or \(queriesPath)") }
        let document = try JSONValue(parsing: [UInt8](documentBytes))
        let queries = try JSONDecoder().decode([Query].self, from: queriesBytes)
        return JSONPathBench(document: document, queries: queries, rounds: rounds, roundSeconds: roundSeconds, run: run)
    }

    private static func positive<T: Comparable & Numeric>(_ value: T?, _ flag: String, _ text: String) throws -> T {
        guard let value, value > 0 else { throw Invalid(description: "\(flag): want a positive number, got '\(text)'") }
        return value
    }

    func runAll() throws {
        for entry in queries {
            let query = try JSONPath(entry.query)
            let document = self.document
            let selected = query.values(in: document).count
            let modes: [(String, () -> Int)] = [
                ("values_us", { query.values(in: document).count }),
                ("nodes_us", { query.evaluate(document).count }),
                ("compile_values_us", { ((try? JSONPath(entry.query))?.values(in: document).count) ?? -1 }),
            ]
            for (metric, body) in modes {
                let (iterations, perRound) = measure(body)
                let sorted = perRound.sorted()
                emit(
                    system: "switchyard", scenario: entry.label, metric: metric, value: sorted[sorted.count / 2], unit: "us", run: run,
                    [
                        ("query", .string(entry.query)), ("nodes", .int(selected)), ("iterations", .int(iterations)),
                        ("rounds_us", .string(perRound.map { String(rounded($0, 3)) }.joined(separator: ","))),
                    ])
            }
        }
    }

    /// Iterations per round (about `roundSeconds` each), and each timed round's microseconds per
    /// iteration.
    private func measure(_ body: () -> Int) -> (Int, [Double]) {
        var sink = 0
        func time(_ iterations: Int) -> Double {
            let start = ContinuousClock.now
            for _ in 0..<iterations { sink &+= body() }
            let elapsed = ContinuousClock.now - start
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        var iterations = 1
        var elapsed = time(iterations)
        while elapsed < 0.05 {
            iterations *= 2
            elapsed = time(iterations)
        }
        iterations = max(1, Int(Double(iterations) * roundSeconds / elapsed))
        _ = time(iterations)  // warm-up
        let perRound = (0..<rounds).map { _ in time(iterations) * 1e6 / Double(iterations) }
        if sink == Int.min { print(sink) }  // keeps the work observable
        return (iterations, perRound)
    }
}
