import Foundation
import SwitchyardTestSupport
import Testing

/// The delivery rules end to end: real broker, real database, worker processes.
@Suite(.serialized, .timeLimit(.minutes(3))) struct DeliveryGuaranteeTests {
    /// 2,000 probes, 30 % failing transiently once or twice, 5 % permanently, two workers.
    static func mixedProbes(prefix: String) -> (bodies: [String], succeeding: Set<String>, permanent: Set<String>) {
        var bodies: [String] = []
        var succeeding = Set<String>()
        var permanent = Set<String>()
        for index in 0..<2_000 {
            let id = "\(prefix)-\(index)"
            switch index % 20 {
            case 0:
                permanent.insert(id)
                bodies.append(#"{"v":1,"id":"\#(id)","permanent":true}"#)
            case 1...6:
                succeeding.insert(id)
                bodies.append(#"{"v":1,"id":"\#(id)","transient_failures":\#(index % 2 + 1)}"#)
            default:
                succeeding.insert(id)
                bodies.append(#"{"v":1,"id":"\#(id)"}"#)
            }
        }
        return (bodies, succeeding, permanent)
    }

    static let probeQueues = [
        "sy.work.probe", "sy.work.probe.high", "sy.retry.1s", "sy.retry.5s", "sy.retry.30s", "sy.dlq.probe",
    ]

    @Test func everyProbeLandsOnceAndEveryPermanentFailureIsArchived() async throws {
        try await withFleet { fleet in
            try fleet.startWorker()
            try fleet.startWorker()
            let probes = Self.mixedProbes(prefix: "mixed")
            try await fleet.publishProbes(probes.bodies)

            try await eventually("every probe to finish", timeout: .seconds(90)) {
                let results = try await fleet.count("SELECT count(*) FROM probe_results")
                let deadLetters = try await fleet.count("SELECT count(*) FROM dead_letters")
                return results == probes.succeeding.count && deadLetters == probes.permanent.count
            }
            #expect(try await fleet.count("SELECT count(DISTINCT id) FROM probe_results") == probes.succeeding.count)
            #expect(try await fleet.count("SELECT count(*) FROM probe_results WHERE effects > 1") == 0, "no effect twice")
            #expect(try await fleet.count(
                "SELECT count(*) FROM probe_results WHERE attempts > 1") == 600, "the transient ones needed retries")
            #expect(try await fleet.count(
                "SELECT count(*) FROM dead_letters WHERE error_class = 'permanent' AND reason = 'worker' AND attempts = 1 AND worker IS NOT NULL AND origin_queue = 'sy.work.probe' AND origin_routing_key = 'probe.run' AND first_failure_at IS NOT NULL") == probes.permanent.count)
            #expect(try await fleet.count("SELECT count(*) FROM inbox WHERE consumer = 'probe'") == probes.succeeding.count)
            let depths = try await fleet.depths(Self.probeQueues)
            #expect(depths.values.allSatisfy { $0 == 0 }, "\(depths)")
            #expect(fleet.running.count == 2)
        }
    }

    /// A message published again with its id (a producer's resend, a relay's second try) is
    /// not a redelivery, so only the inbox tells: 300 probes, each sent three times in a row
    /// (copies share a commit batch) and then again later (copies in other batches).
    @Test func aMessageSentAgainWithItsIDHasItsEffectOnce() async throws {
        try await withFleet { fleet in
            let ids = (0..<300).map { "resent-\($0)" }
            let messageIDs = ids.flatMap { [String](repeating: "message-\($0)", count: 3) } + ids.map { "message-\($0)" }
            let bodies = messageIDs.map { #"{"v":1,"id":"\#($0.dropFirst("message-".count))"}"# }
            try await fleet.publishProbes(bodies, messageIDs: messageIDs)
            try fleet.startWorker()
            try await eventually("every copy to be consumed", timeout: .seconds(60)) {
                let drained = try await fleet.depths(["sy.work.probe"]).values.allSatisfy { $0 == 0 }
                let rows = try await fleet.count("SELECT count(*) FROM probe_results")
                return drained && rows == ids.count
            }
            #expect(try await fleet.count("SELECT count(*) FROM probe_results WHERE effects > 1") == 0, "no effect twice")
            #expect(try await fleet.count("SELECT count(*) FROM inbox WHERE consumer = 'probe'") == ids.count)
            #expect(try await fleet.count("SELECT count(*) FROM dead_letters") == 0)
        }
    }
}
