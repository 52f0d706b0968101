// The body of a `workflow.step` event: ids only; inputs and outputs live in Postgres.

import Foundation
import SwitchyardCore

/// `{"v":1,"job_id","step_id","attempt"}`, plus `resume` for a `delay` step's wake-up and
/// `not_before` (epoch milliseconds) for a wait longer than one retry tier.
struct StepMessage: Codable, Equatable {
    var v = 1
    var jobID: String
    var stepID: String
    /// The step's attempt, from 1.
    var attempt = 1
    /// A `delay` step's wake-up: finish the waiting step.
    var resume: Bool?
    /// Not to run before this time; earlier, the message waits again.
    var notBefore: Int64?

    enum CodingKeys: String, CodingKey {
        case v
        case jobID = "job_id"
        case stepID = "step_id"
        case attempt
        case resume
        case notBefore = "not_before"
    }

    init(jobID: String, stepID: String, attempt: Int = 1, resume: Bool? = nil, notBefore: Int64? = nil) {
        self.jobID = jobID
        self.stepID = stepID
        self.attempt = attempt
        self.resume = resume
        self.notBefore = notBefore
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        v = try container.decode(Int.self, forKey: .v)
        jobID = try container.decode(String.self, forKey: .jobID)
        guard UUID(uuidString: jobID) != nil else {
            throw DecodingError.dataCorruptedError(forKey: .jobID, in: container, debugDescription: "expected a UUID")
        }
        stepID = try container.decode(String.self, forKey: .stepID)
        attempt = try container.decodeIfPresent(Int.self, forKey: .attempt) ?? 1
        guard (1...1_000).contains(attempt) else {
            throw DecodingError.dataCorruptedError(forKey: .attempt, in: container, debugDescription: "expected 1...1000")
        }
        resume = try container.decodeIfPresent(Bool.self, forKey: .resume)
        notBefore = try container.decodeIfPresent(Int64.self, forKey: .notBefore)
    }

    /// The event carrying this body.
    func event(tenantID: String?) -> OutgoingEvent {
        OutgoingEvent(
            type: "workflow.step", body: Array((try? JSONEncoder().encode(self)) ?? Data()), correlationID: jobID, tenantID: tenantID)
    }
}
