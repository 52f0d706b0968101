// The `automations` role: matches a chatbot's events against its automations and starts
// their workflows.

import Foundation
public import Logging
import SwitchyardCore
import SwitchyardJSONPath
public import SwitchyardPostgres
public import SwitchyardRuntime
import SwitchyardWorkflows

/// Consumes `chatbot.*` events. An event is matched only against the active automations of
/// the chatbot its `chatbot_id` names, and only when that chatbot is the message tenant's: an
/// unknown chatbot or another tenant's matches nothing (counted, logged, acknowledged).
///
/// The chatbot's automations come from an ``AutomationCache`` (compiled once, forgotten when
/// the database says they changed), so matching an event reads no rows. Each match becomes
/// an execution and its job, written in one transaction with the message's inbox row, their ids
/// derived from the message id and the automation id: a redelivered or re-sent event (same
/// message id) finds them and writes nothing again. A workflow that no longer exists gives a
/// `failed` execution without a job. A job started by an event that a workflow's step sent
/// carries the count of such steps on (``WorkflowHops``); an event at the limit gives `failed`
/// executions without jobs, so a workflow that triggers its own automation stops.
public struct AutomationRole: WorkerRole {
    public let name = "automations"
    private let pool: PostgresPool
    private let cache: AutomationCache
    private let metrics = AutomationMetrics()
    private let logger: Logger

    /// Creates the role and starts listening for changes to automations.
    /// - Parameters:
    ///   - pool: Where chatbots, automations, workflows, jobs and executions are.
    ///   - logger: Where unmatched events and broken automations are logged.
    public init(pool: PostgresPool, logger: Logger) {
        self.pool = pool
        self.logger = logger
        cache = AutomationCache()
        CacheInvalidation.start(url: pool.configuration.url, cache: cache, logger: logger)
    }

    public func handle(_ message: WorkMessage) async -> HandlerOutcome {
        var logger = logger
        logger[metadataKey: "message_id"] = "\(message.messageID)"
        logger[metadataKey: "event_type"] = "\(message.type)"
        guard let tenantID = message.tenantID else {
            metrics.event(.noTenant)
            logger.info("a chatbot event without a tenant matches nothing")
            return .success(HandlerEffects())
        }
        guard let body = try? JSONValue(parsing: message.body) else {
            return .permanentFailure(HandlerFailure("validation", "the body of \(message.type) is not JSON"))
        }
        if let path = body.pathOfNUL(from: "body") {
            return .permanentFailure(HandlerFailure("invalid_value", "the event holds a NUL character at \(path), which can't be stored"))
        }
        guard let chatbotID = Self.chatbotID(in: body) else {
            metrics.event(.unknownChatbot)
            logger.info("a chatbot event without a chatbot id (a UUID) matches nothing", metadata: ["tenant_id": "\(tenantID)"])
            return .success(HandlerEffects())
        }
        let chatbot: MatchableChatbot?
        do {
            chatbot = try await cache.chatbot(chatbotID) { try await load(chatbotID) }
        } catch {
            return .databaseFailure("reading chatbot \(chatbotID)", error)
        }
        guard let chatbot, chatbot.tenantID == tenantID else {
            metrics.event(chatbot == nil ? .unknownChatbot : .otherTenant)
            logger.info("the event names no chatbot of its tenant; nothing matches", metadata: [
                "tenant_id": "\(tenantID)", "chatbot_id": "\(chatbotID)",
            ])
            return .success(HandlerEffects())
        }
        let started = ContinuousClock.now
        var matches: [(automation: ActiveAutomation, held: [MatchedCondition])] = []
        for automation in chatbot.automations where automation.trigger.eventType == message.type {
            if let held = automation.trigger.evaluate(body) { matches.append((automation, held)) }
        }
        metrics.match(ContinuousClock.now - started)
        guard !matches.isEmpty else {
            metrics.event(.noMatch)
            return .success(HandlerEffects())
        }
        metrics.event(.matched)
        return await start(matches, of: chatbot, message: message, body: body, tenantID: tenantID)
    }

    /// An execution and a job for each match, with the jobs' first steps.
    private func start(
        _ matches: [(automation: ActiveAutomation, held: [MatchedCondition])], of chatbot: MatchableChatbot, message: WorkMessage,
        body: JSONValue, tenantID: String
    ) async -> HandlerOutcome {
        let workflowIDs = Set(matches.map(\.automation.workflowID))
        let versions: [String: WorkflowJobs.Version]
        do {
            versions = try await pool.withConnection { connection in
                var versions: [String: WorkflowJobs.Version] = [:]
                for id in workflowIDs {
                    versions[id] = try WorkflowJobs.latestVersion(ofWorkflow: id, tenantID: tenantID, on: connection)
                }
                return versions
            }
        } catch {
            return .databaseFailure("reading workflows", error)
        }
        let hops = message.hops
        var executions: [MatchingStore.Execution] = []
        var jobs: [(id: String, workflowID: String, version: WorkflowJobs.Version, input: String)] = []
        var followUps: [OutgoingEvent] = []
        var inputBytes = 0
        for (automation, held) in matches {
            let executionID = DerivedID.make("execution", message.messageID, automation.id)
            let count = held.count == 1 ? "1 condition" : "\(held.count) conditions"
            var execution = MatchingStore.Execution(
                id: executionID, automationID: automation.id, chatbotID: chatbot.id, matched: JSONValue.array(held.map(\.json)).jsonText,
                matchMessage: "\(message.type) matched automation '\(automation.name)' (\(count) held)", startMessage: "")
            if let loop = WorkflowHops.loop(hops) {
                execution.error = "a loop: \(loop); no job started"
                execution.startMessage = execution.error ?? ""
            } else if let version = versions[automation.workflowID] {
                do throws(JSONPathError) {
                    let input = try InputMap.input(automation.inputMap, event: body, chatbot: chatbot.document).jsonText
                    // An input that would pass the limit starts nothing and uses none of it.
                    guard inputBytes + input.utf8.count <= InputMap.eventInputLimit else {
                        execution.error = "the jobs this event starts would hold more than \(InputMap.eventInputLimit) bytes of input; no job started"
                        execution.startMessage = execution.error ?? ""
                        executions.append(execution)
                        continue
                    }
                    inputBytes += input.utf8.count
                    let jobID = DerivedID.make("job", message.messageID, automation.id)
                    execution.jobID = jobID
                    execution.startStep = version.startStep
                    execution.startMessage = "job \(jobID) started: workflow '\(automation.workflowID)' version \(version.number)"
                    jobs.append((jobID, automation.workflowID, version, input))
                    followUps.append(WorkflowJobs.firstStep(ofJob: jobID, version: version, tenantID: tenantID))
                } catch {
                    execution.error = "the input_map: \(error.message); no job started"
                    execution.startMessage = execution.error ?? ""
                }
            } else {
                execution.error = "no workflow '\(automation.workflowID)' of the tenant's or built in; no job started"
                execution.startMessage = execution.error ?? ""
                logger.notice("an automation names a workflow that does not exist", metadata: [
                    "automation_id": "\(automation.id)", "workflow_id": "\(automation.workflowID)",
                ])
            }
            executions.append(execution)
        }
        metrics.executions(started: jobs.count, failed: executions.count - jobs.count)
        let eventText = body.jsonText
        return .success(HandlerEffects(
            write: { [executions, jobs, eventText] connection in
                for job in jobs {
                    _ = try WorkflowJobs.insert(
                        jobID: job.id, tenantID: tenantID, workflowID: job.workflowID, version: job.version, input: job.input, hops: hops,
                        on: connection)
                }
                try MatchingStore.record(
                    executions, event: eventText, tenantID: tenantID, eventID: message.messageID, eventType: message.type,
                    on: connection)
            },
            followUps: followUps))
    }

    /// Loads chatbot `id` and compiles its automations; one that no longer validates is
    /// skipped and logged.
    private func load(_ id: String) async throws -> MatchableChatbot? {
        metrics.loaded()
        guard let stored = try await pool.withConnection({ connection in try MatchingStore.chatbot(id, on: connection) }) else {
            return nil
        }
        var automations: [ActiveAutomation] = []
        for automation in stored.automations {
            guard let json = try? JSONValue(parsing: Array(automation.trigger.utf8)),
                  case .success(let trigger) = TriggerValidator.validate(json, at: .root) else {
                logger.error("a stored trigger does not validate; the automation is skipped", metadata: ["automation_id": "\(automation.id)"])
                continue
            }
            var inputMap: [String: JSONPath]?
            if let text = automation.inputMap {
                guard let json = try? JSONValue(parsing: Array(text.utf8)), case .success(let map) = InputMap.parse(json, at: .root) else {
                    logger.error("a stored input_map does not validate; the automation is skipped", metadata: ["automation_id": "\(automation.id)"])
                    continue
                }
                inputMap = map
            }
            automations.append(ActiveAutomation(
                id: automation.id, name: automation.name, trigger: CompiledTrigger(trigger), workflowID: automation.workflowID,
                inputMap: inputMap))
        }
        return MatchableChatbot(
            id: id, tenantID: stored.tenantID, document: .object(["id": .string(id), "name": .string(stored.name)]),
            automations: automations)
    }

    /// The body's `chatbot_id` as a lowercase UUID; nil when it is missing or not a UUID.
    private static func chatbotID(in body: JSONValue) -> String? {
        guard case .object(let members) = body, case .string(let text)? = members["chatbot_id"], let id = UUID(uuidString: text) else {
            return nil
        }
        return id.uuidString.lowercased()
    }
}
