// The `workflow` role: runs one step of a job per `workflow.step` message.

import Foundation
import SwitchyardCore
public import SwitchyardPostgres
public import SwitchyardRuntime

/// Consumes `workflow.step` (`{"v":1,"job_id":"...","step_id":"..."}`, published with a new
/// job and after each step that has a successor) and `chatbot.*` events.
///
/// For a step it reads the job and its workflow's definition
/// (`{"start": id, "steps": [{"id", "transformer", "next"?}]}`), runs the step's transformer
/// and, in the message's transaction, moves the job: `running` at that step, then to the next
/// step (publishing its `workflow.step`) or `completed` with the output as the result. Every
/// transition is appended to `state_history` (and, by the migrations' triggers, to the job's
/// live updates). A step of a finished job is skipped. A transformer this build doesn't have
/// fails the job with an error saying so.
///
/// Transformers so far: `echo` (the job's input is the output). Chatbot events are
/// acknowledged: no automation can match until automations exist.
public struct WorkflowRole: WorkerRole {
    public let name = "workflow"
    private let pool: PostgresPool

    /// Creates the role.
    /// - Parameter pool: Where jobs and workflow definitions are read.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The body of a `workflow.step` event.
    struct Step: Decodable {
        var v: Int
        var jobID: String
        var stepID: String

        enum CodingKeys: String, CodingKey {
            case v
            case jobID = "job_id"
            case stepID = "step_id"
        }
    }

    /// A step of a workflow definition.
    struct StepDefinition: Decodable {
        var id: String
        var transformer: String
        var next: String?
    }

    /// What the transaction does to the job after the step ran.
    enum Transition {
        case next(String, output: String)
        case completed(output: String)
        case failed(String)
    }

    public func handle(_ message: WorkMessage) async -> HandlerOutcome {
        guard message.type == "workflow.step" else { return .success(HandlerEffects()) }
        let step: Step
        do {
            step = try JSONDecoder().decode(Step.self, from: Data(message.body))
        } catch {
            return .permanentFailure(HandlerFailure("validation", "invalid workflow.step body: \(error)"))
        }
        let job: (status: String, input: String, definition: String)?
        do {
            job = try await pool.withConnection { connection in
                try connection.query(
                    """
                    SELECT j.status, j.input::text, w.definition::text FROM jobs j JOIN workflows w ON w.id = j.workflow_id
                    WHERE j.id = $1::uuid
                    """, [step.jobID]
                ).first.map { (try $0.decode(String.self, at: 0), try $0.decode(String.self, at: 1), try $0.decode(String.self, at: 2)) }
            }
        } catch {
            return .transientFailure(HandlerFailure("database", "reading job \(step.jobID): \(error)"))
        }
        guard let job else { return .permanentFailure(HandlerFailure("job_not_found", "no job \(step.jobID)")) }
        guard !["completed", "failed"].contains(job.status) else { return .success(HandlerEffects()) }
        let transition = Self.run(step.stepID, input: job.input, definition: job.definition)
        let followUps: [OutgoingEvent] = if case .next(let nextStep, _) = transition {
            [OutgoingEvent(
                type: "workflow.step",
                body: Array((try? JSONEncoder().encode(JSONValue.object([
                    "v": 1, "job_id": .string(step.jobID), "step_id": .string(nextStep),
                ]))) ?? Data()),
                correlationID: step.jobID)]
        } else {
            []
        }
        return .success(HandlerEffects(write: { connection in
            try Self.apply(transition, to: step, on: connection)
        }, followUps: followUps))
    }

    /// Runs step `stepID` of `definition` on the job's `input`.
    static func run(_ stepID: String, input: String, definition: String) -> Transition {
        struct Definition: Decodable { var steps: [StepDefinition] }
        guard let steps = try? JSONDecoder().decode(Definition.self, from: Data(definition.utf8)).steps else {
            return .failed("the workflow definition is not {\"steps\": [...]}")
        }
        guard let current = steps.first(where: { $0.id == stepID }) else {
            return .failed("the workflow has no step '\(stepID)'")
        }
        let output: String
        switch current.transformer {
        case "echo": output = input
        default: return .failed("step '\(stepID)': this build has no transformer '\(current.transformer)'")
        }
        if let next = current.next { return .next(next, output: output) }
        return .completed(output: output)
    }

    /// Appends `{"status": $2, "step_id": $3, "at": now}` to the job's history.
    private static let appendHistory = """
        state_history = state_history
            || jsonb_build_array(jsonb_build_object('status', $2::text, 'step_id', $3::text, 'at', switchyard_time(clock_timestamp())))
        """

    /// Moves the job, in the message's transaction; nothing happens to a finished job.
    static func apply(_ transition: Transition, to step: Step, on connection: isolated PostgresConnection) throws {
        try connection.execute(
            """
            UPDATE jobs SET status = $2, current_step_id = $3, updated_at = clock_timestamp(), \(appendHistory)
            WHERE id = $1::uuid AND status NOT IN ('completed', 'failed') AND (status <> 'running' OR current_step_id IS DISTINCT FROM $3)
            """, [step.jobID, "running", step.stepID])
        switch transition {
        case .next(let nextStep, let output):
            try connection.execute(
                """
                UPDATE jobs SET current_step_id = $4, step_data = step_data || jsonb_build_object($3::text, $5::jsonb), updated_at = clock_timestamp()
                WHERE id = $1::uuid AND status = $2 AND current_step_id = $3
                """, [step.jobID, "running", step.stepID, nextStep, output])
        case .completed(let output):
            try connection.execute(
                """
                UPDATE jobs SET status = $2, final_result = $4::jsonb, step_data = step_data || jsonb_build_object($3::text, $4::jsonb),
                    completed_at = clock_timestamp(), updated_at = clock_timestamp(), \(appendHistory)
                WHERE id = $1::uuid AND status = 'running'
                """, [step.jobID, "completed", step.stepID, output])
        case .failed(let error):
            try connection.execute(
                """
                UPDATE jobs SET status = $2, error = $4, completed_at = clock_timestamp(), updated_at = clock_timestamp(), \(appendHistory)
                WHERE id = $1::uuid AND status = 'running'
                """, [step.jobID, "failed", step.stepID, error])
        }
    }
}
