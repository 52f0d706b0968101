// The `planning` role: a project's analysis becomes a validated ProjectPlan.

import Foundation
import SwitchyardCore
public import SwitchyardPostgres
public import SwitchyardProviders
public import SwitchyardRuntime

/// Consumes `plan.requested`: asks the planner for a plan of the project's analysis and
/// validates it (``ProjectPlanValidator``). An invalid plan (or an answer that is not JSON)
/// gets one repair attempt with the problems in the request; still invalid, it is a permanent
/// failure whose dead letter lists the problems. A valid plan is stored with status `ready_to_build`, and `build.requested`
/// is emitted, in the message's transaction. A project no longer in `planning` is skipped.
public struct PlanningRole: WorkerRole {
    public let name = "planning"
    private let pool: PostgresPool
    private let planner: any ProjectPlanner
    private let calls: ExternalCalls

    /// Creates the role.
    public init(pool: PostgresPool, planner: any ProjectPlanner, calls: ExternalCalls) {
        self.pool = pool
        self.planner = planner
        self.calls = calls
    }

    public func handle(_ message: WorkMessage) async -> HandlerOutcome {
        let stage: ProjectStage
        switch await ProjectStage.load(message, status: "planning", document: "analysis", pool: pool) {
        case .ready(let ready): stage = ready
        case .finished(let outcome): return outcome
        }
        let projectID = stage.projectID
        guard let analysis = try? JSONValueDecoder().decode(ProjectAnalysis.self, from: Array(stage.document.utf8)) else {
            return .permanentFailure(HandlerFailure("validation", "project \(projectID) has no readable analysis"))
        }
        var problems: [String] = []
        var plan = JSONValue.null
        for attempt in 1...2 {
            do {
                let repairing = problems
                plan = try await calls.perform(
                    api: "llm", endpoint: attempt == 1 ? "plan" : "plan (repair)", provider: planner.name,
                    tenantID: stage.tenantID, projectID: projectID
                ) { () async throws(ProviderError) in try await planner.plan(analysis, repairing: repairing) }
            } catch where error.errorClass == "invalid_json" {
                problems = [error.message]
                continue
            } catch {
                return .failed(error)
            }
            problems = ProjectPlanValidator.problems(in: plan)
            if problems.isEmpty { break }
        }
        guard problems.isEmpty else {
            return .permanentFailure(HandlerFailure("invalid_plan", "the plan is invalid after one repair: " + problems.joined(separator: "; ")))
        }
        let followUp = JSONValue.object(["v": 1, "project_id": .string(projectID)]).jsonBytes
        return .success(HandlerEffects(statements: [PostgresStatement(
            """
            UPDATE projects SET plan = $2::jsonb, status = 'ready_to_build', planned_at = clock_timestamp(), updated_at = clock_timestamp()
            WHERE id = $1::uuid AND status = 'planning'
            """, [projectID, plan.jsonText])
        ], followUps: [OutgoingEvent(type: "build.requested", body: followUp, correlationID: projectID)]))
    }
}
