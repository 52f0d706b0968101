// Live updates of bounded size: a large result stays out of the job's update, and a stream reads
// large updates a page of bounded size at a time.

import Foundation
import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

@Suite(.serialized, .timeLimit(.minutes(3))) struct LiveUpdateSizeTests {
    @Test func aResultOver64KiBStaysOutOfTheJobsUpdateWhichGivesItsSize() async throws {
        try await withFleet { fleet in
            let tenants = try await JobAPITests.Tenants.start(fleet)
            func job(finishingWith result: String) async throws -> [String: Any] {
                let created = try await tenants.ingress.send(.post, "/v1/workflows/echo/jobs", key: tenants.a.key, body: "{}")
                let job = try #require(created.json["job_id"] as? String)
                try await fleet.execute("UPDATE jobs SET status = 'completed', final_result = '\(result)' WHERE id = '\(job)'")
                let stream = try await LiveUpdatesTests.follow(tenants, "/v1/jobs/\(job)/events")
                let events = try await stream.rest()
                stream.close()
                #expect(events.compactMap { $0.json["status"] as? String } == ["pending", "completed"])
                return events.last?.json ?? [:]
            }
            // As jsonb text, `{"text": "` and `"}` around the string: 12 bytes.
            let kept = try await job(finishingWith: #"{"text":"\#(String(repeating: "x", count: 65_536 - 12))"}"#)
            #expect((kept["final_result"] as? [String: String])?["text"]?.count == 65_524, "a result of 64 KiB is in the update")
            #expect(kept["final_result_omitted"] == nil)

            let omitted = try await job(finishingWith: #"{"text":"\#(String(repeating: "x", count: 65_536 - 11))"}"#)
            #expect(omitted["final_result"] == nil, "a larger one is not")
            #expect(omitted["final_result_omitted"] as? Bool == true)
            #expect(omitted["final_result_bytes"] as? Int == 65_537)
            #expect(omitted["status"] as? String == "completed")
            await tenants.ingress.client.shutdown()
        }
    }

    /// 128 updates of 256 KiB (32 MiB) followed by four streams at once. Read in one piece, each
    /// stream's page would be held by the ingress several times over (the database's answer, its
    /// text, the events and the buffer written): the ingress's peak grew by 285 MiB. Read a page
    /// of about 1 MiB at a time, it grew by 30 MiB.
    @Test func aStreamReadsLargeUpdatesAPageOfBoundedSizeAtATime() async throws {
        try await withFleet { fleet in
            let tenants = try await JobAPITests.Tenants.start(fleet)
            let created = try await tenants.ingress.send(.post, "/v1/workflows/echo/jobs", key: tenants.a.key, body: "{}")
            let job = try #require(created.json["job_id"] as? String)
            try await fleet.execute(
                """
                DO $$ BEGIN
                    FOR i IN 1..128 LOOP
                        PERFORM switchyard_record_update('job', '\(job)', '\(tenants.a.id)', 'progress',
                            jsonb_build_object('n', i, 'blob', repeat('x', 262144)));
                    END LOOP;
                END $$
                """)
            let pid = tenants.ingress.process.processIdentifier
            let peakBefore = try Self.peakResidentBytes(of: pid)
            var streams: [EventStreamClient] = []
            for _ in 0..<4 { streams.append(try await LiveUpdatesTests.follow(tenants, "/v1/jobs/\(job)/events")) }
            for stream in streams {
                var ids: [String] = []
                var intact = true
                for _ in 0...128 {
                    let event = try #require(try await stream.next(timeout: .seconds(30)))
                    ids.append(event.id ?? "")
                    if event.event == "progress" { intact = intact && event.data.utf8.count > 262_144 }
                }
                stream.close()
                #expect(ids == (1...129).map(String.init), "every update once, in order")
                #expect(intact, "each update whole")
            }
            let growth = try Self.peakResidentBytes(of: pid) - peakBefore
            #expect(growth < 64 << 20, "the ingress's peak grew by \(growth >> 20) MiB")
            await tenants.ingress.client.shutdown()
        }
    }

    /// The process's peak resident set (`VmHWM`).
    static func peakResidentBytes(of pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") })
        return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])) * 1024
    }
}
