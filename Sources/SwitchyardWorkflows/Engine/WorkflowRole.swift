// The `workflow` role: runs one step of a job per `workflow.step` message.

import Foundation
public import Logging
import SwitchyardCore
public import SwitchyardPostgres
public import SwitchyardRuntime
public import Switchyard
import SwitchyardJSONPath
public import SwitchyardProviders

/// Consumes `workflow.step` (``StepMessage``: ids only).
///
/// For a step it reads the job, the definition of the version the job started with and the
/// outputs of its finished steps; builds the step's input (its `input_map` over
/// `{"job_input": ..., "<step>": {"output": ...}}`, else the job's input); records the attempt
/// as started (a redelivered attempt is not recorded twice); runs the transformer; and returns
/// the effects that commit with the message: the step completed and the next step's message
/// (the first branch whose `when` selects a node, else `next_step`), or the job completed with
/// its `output_map`; or the job `awaiting_retry` and the step's next attempt, delayed by its
/// retry policy in the broker's tiers; or the job failed, naming the step and the error; or a
/// `delay` step's wake-up. A job that is over (completed, failed, cancelled) is left alone.
public struct WorkflowRole: WorkerRole {
    public let name = "workflow"
    private let pool: PostgresPool
    private let catalog: TransformerCatalog
    private let scheduler: StepScheduler
    private let definitions = DefinitionCache()
    private let metrics = WorkflowMetrics()
    private let logger: Logger

    /// Creates the role.
    /// - Parameters:
    ///   - pool: Where jobs, steps, definitions and transformers are.
    ///   - topology: The retry tiers that hold waiting steps.
    ///   - transformers: The built-in transformers by type.
    ///   - secretBox: Opens configured transformers' secrets; nil when `SWITCHYARD_SECRETS_KEY` is unset.
    ///   - logger: Where steps are logged, with job, step and transformer.
    public init(
        pool: PostgresPool, topology: Topology, transformers: [TransformerType: any StepTransformer], secretBox: SecretBox?,
        logger: Logger
    ) {
        self.pool = pool
        self.catalog = TransformerCatalog(builtins: transformers, secretBox: secretBox)
        self.scheduler = StepScheduler(topology: topology)
        self.logger = logger
    }

    public func handle(_ message: WorkMessage) async -> HandlerOutcome {
        let pickedUp = Date()
        guard message.type == "workflow.step" else { return .success(HandlerEffects()) }
        let step: StepMessage
        do {
            step = try JSONValueDecoder().decode(StepMessage.self, from: message.body)
        } catch {
            return .permanentFailure(HandlerFailure("validation", "invalid workflow.step body: \((error as? DecodingError)?.fieldDescription ?? "not JSON")"))
        }
        if let remaining = StepScheduler.remaining(until: step.notBefore) {
            return effects(followUp: { try scheduler.after(remaining, step, tenantID: message.tenantID) })
        }
        let job: StepStore.Job?
        do {
            job = try await pool.withConnection { connection in try StepStore.job(step.jobID, step: step.stepID, on: connection) }
        } catch {
            return .databaseFailure("reading job \(step.jobID)", error)
        }
        guard let job else { return .permanentFailure(HandlerFailure("job_not_found", "no job \(step.jobID)")) }
        guard !JobStatus.final.contains(job.status) else { return .success(HandlerEffects()) }
        let definition: WorkflowDefinition
        do {
            definition = try definitions.definition(version: job.workflowVersionID, text: job.definition)
        } catch {
            return failure(step, job: job, error: error.description)
        }
        guard let current = definition.steps[step.stepID] else {
            return failure(step, job: job, error: "the workflow has no step '\(step.stepID)'")
        }
        if step.resume == true {
            guard let row = job.step, row.status == "waiting", row.attempts == step.attempt else { return .success(HandlerEffects()) }
            return completion(step, of: current, in: definition, job: job, inputSize: row.inputSize, output: row.input ?? .null)
        }
        if let row = job.step, row.attempts > step.attempt || row.status == "completed" || row.status == "waiting"
            || (row.attempts == step.attempt && row.status != "running") {
            return .success(HandlerEffects())
        }
        return await run(step, current, in: definition, job: job, tenantID: message.tenantID, pickedUp: pickedUp)
    }

    /// Runs the step's transformer and turns its result into effects.
    private func run(
        _ step: StepMessage, _ current: WorkflowDefinition.Step, in definition: WorkflowDefinition, job: StepStore.Job, tenantID: String?,
        pickedUp: Date
    ) async -> HandlerOutcome {
        var logger = logger
        logger[metadataKey: "job_id"] = "\(step.jobID)"
        logger[metadataKey: "step_id"] = "\(step.stepID)"
        logger[metadataKey: "transformer"] = "\(current.transformerID)"
        var work = JSONPath.defaultWorkLimit
        let input: JSONValue
        do throws(JSONPathError) {
            input = try current.inputMap.map { map throws(JSONPathError) in try WorkflowDefinition.apply(map, to: document(job), work: &work) }
                ?? job.input
        } catch {
            return failure(step, job: job, error: "the input_map of step '\(step.stepID)': \(error.message)")
        }
        let resolved: TransformerCatalog.Resolved
        do {
            resolved = try await catalog.resolve(current.transformerID, tenantID: job.tenantID, pool: pool)
        } catch TransformerCatalog.Refusal.step(let error) {
            return failure(step, job: job, error: error)
        } catch TransformerCatalog.Refusal.worker(let error) {
            logger.error("a step can't run on this worker", metadata: ["error": "\(error)"])
            return .transientFailure(HandlerFailure("configuration", error))
        } catch {
            return .databaseFailure("reading transformer '\(current.transformerID)'", error)
        }
        let inputText = input.jsonText
        if job.dataSize + inputText.utf8.count > WorkflowDefinition.jobDataLimit {
            return failure(step, job: job, error: Self.pastTheDataLimit("the input", of: step, bytes: inputText.utf8.count))
        }
        let start: @Sendable (isolated PostgresConnection) throws -> Void = { connection in
            try StepStore.start(
                step, transformerID: current.transformerID, input: inputText, maxRetries: current.retry.maxRetries,
                pickedUpAt: pickedUp, on: connection)
        }
        // A step that only reshapes data takes microseconds: its start commits with its outcome.
        // Any other step's start is visible (and its input stored) while it runs.
        let startsWithOutcome = resolved.type == .echo || resolved.type == .map
        if !startsWithOutcome {
            do {
                try await pool.withConnection { connection in try start(connection) }
            } catch {
                return .databaseFailure("starting step \(step.stepID) of job \(step.jobID)", error)
            }
        }
        let outcome = await outcome(
            of: step, current, in: definition, job: job, resolved: resolved, input: input, inputSize: inputText.utf8.count, tenantID: tenantID,
            logger: logger)
        guard startsWithOutcome, case .success(let effects) = outcome else { return outcome }
        return .success(HandlerEffects(
            write: { connection in
                try start(connection)
                try effects.write?(connection)
            },
            followUps: effects.followUps))
    }

    /// Runs the transformer and turns its result into the step's effects.
    private func outcome(
        of step: StepMessage, _ current: WorkflowDefinition.Step, in definition: WorkflowDefinition, job: StepStore.Job,
        resolved: TransformerCatalog.Resolved, input: JSONValue, inputSize: Int, tenantID: String?, logger: Logger
    ) async -> HandlerOutcome {
        let started = ContinuousClock.now
        let context = StepContext(
            jobID: step.jobID, stepID: step.stepID, tenantID: job.tenantID, config: resolved.config, secrets: resolved.secrets,
            hops: job.hops)
        let result = await resolved.transformer.run(input, context: context)
        let duration = ContinuousClock.now - started
        switch result {
        case .output(let raw):
            let output = TransformerSecrets.scrub(raw, resolved.secrets)
            if let path = output.pathOfNUL(from: "output") {
                metrics.record(resolved.type, .failed, duration: duration)
                return failure(step, job: job, error: "the output holds a NUL character at \(path), which can't be stored")
            }
            metrics.record(resolved.type, .completed, duration: duration)
            logger.debug("step completed", metadata: ["duration": "\(duration)"])
            return completion(step, of: current, in: definition, job: job, inputSize: inputSize, output: output)
        case .deferred(let errorClass, let raw, let retryAfter):
            // The same attempt again, through the runtime's retry tiers, without using one up:
            // the step stays `running` and its start (same attempt) is not written again.
            let error = TransformerSecrets.scrub(raw, resolved.secrets)
            metrics.record(resolved.type, .deferred, duration: duration)
            logger.info("step deferred by the fleet's limit", metadata: ["error": "\(error)", "retry_after": "\(retryAfter)"])
            return .deferred(retryAfter: retryAfter, HandlerFailure(errorClass, error))
        case .retryable(let raw), .rateLimited(let raw, _):
            let error = TransformerSecrets.scrub(raw, resolved.secrets)
            guard step.attempt <= current.retry.maxRetries else {
                metrics.record(resolved.type, .failed, duration: duration)
                logger.notice("step failed after its retries", metadata: ["attempts": "\(step.attempt)", "error": "\(error)"])
                let attempts = step.attempt == 1 ? "" : " after \(step.attempt) attempts"
                return failure(step, job: job, error: "step '\(step.stepID)' failed\(attempts): \(error)", stepError: error)
            }
            metrics.record(resolved.type, .retry, duration: duration)
            logger.info("step will be retried", metadata: ["attempt": "\(step.attempt)", "error": "\(error)"])
            let asked: Duration = if case .rateLimited(_, let retryAfter) = result { retryAfter } else { .zero }
            return retry(step, policy: current.retry, error: error, notSoonerThan: asked, tenantID: tenantID ?? job.tenantID)
        case .failed(let raw):
            let error = TransformerSecrets.scrub(raw, resolved.secrets)
            metrics.record(resolved.type, .failed, duration: duration)
            logger.notice("step failed", metadata: ["error": "\(error)"])
            return failure(step, job: job, error: "step '\(step.stepID)' failed: \(error)", stepError: error)
        case .wait(let wait):
            metrics.record(resolved.type, .waiting, duration: duration)
            var wake = step
            wake.resume = true
            return effects(
                write: { connection in try StepStore.wait(step, on: connection) },
                followUp: { try scheduler.after(wait, wake, tenantID: tenantID ?? job.tenantID) })
        }
    }

    /// `{"job_input": ..., "<step>": {"output": ...}}` of the finished steps.
    private func document(_ job: StepStore.Job, adding step: String? = nil, output: JSONValue? = nil) -> JSONValue {
        var members = job.outputs
        members["job_input"] = job.input
        if let step, let output { members[step] = .object(["output": output]) }
        return .object(members)
    }

    /// The step finished with `output`: the next step's message, or the job's result.
    private func completion(
        _ step: StepMessage, of current: WorkflowDefinition.Step, in definition: WorkflowDefinition, job: StepStore.Job, inputSize: Int,
        output: JSONValue
    ) -> HandlerOutcome {
        let document = document(job, adding: step.stepID, output: output)
        var work = JSONPath.defaultWorkLimit
        let next: String?
        let result: JSONValue?
        do throws(JSONPathError) {
            var taken: WorkflowDefinition.Branch?
            for branch in current.branches where try !branch.when.values(in: document, work: &work).isEmpty {
                taken = branch
                break
            }
            next = taken.map(\.nextStep) ?? current.nextStep
            result = next == nil ? try definition.outputMap.map { map throws(JSONPathError) in try WorkflowDefinition.apply(map, to: document, work: &work) } : nil
        } catch {
            return failure(step, job: job, error: "the branches or output_map after step '\(step.stepID)': \(error.message)")
        }
        let outputText = output.jsonText
        if job.dataSize + inputSize + outputText.utf8.count > WorkflowDefinition.jobDataLimit {
            return failure(step, job: job, error: Self.pastTheDataLimit("the output", of: step, bytes: outputText.utf8.count))
        }
        let resultText = result?.jsonText
        return effects(
            write: { connection in try StepStore.complete(step, output: outputText, next: next, result: resultText, on: connection) },
            followUp: next.map { next in { scheduler.now(StepMessage(jobID: step.jobID, stepID: next), tenantID: job.tenantID) } })
    }

    /// The job waits for the step's next attempt, after its policy's backoff, or after `asked` (a 429's
    /// `Retry-After`, at most ``StepScheduler/longestWait``) when that is longer.
    private func retry(
        _ step: StepMessage, policy: WorkflowDefinition.RetryPolicy, error: String, notSoonerThan asked: Duration, tenantID: String
    ) -> HandlerOutcome {
        var next = step
        next.attempt += 1
        let backoff = max(policy.delay(beforeRetry: step.attempt), min(asked, StepScheduler.longestWait))
        let scheduled: (OutgoingEvent, Duration)
        do {
            scheduled = try scheduler.retry(next, after: backoff, tenantID: tenantID)
        } catch {
            return .transientFailure(HandlerFailure("configuration", "scheduling a retry: \(error)"))
        }
        return .success(HandlerEffects(
            write: { connection in try StepStore.awaitRetry(step, error: error, wait: scheduled.1, on: connection) },
            followUps: [scheduled.0]))
    }

    /// Why a step fails its job when `part` of it (`bytes` long) would take the job's data past
    /// ``WorkflowDefinition/jobDataLimit``.
    private static func pastTheDataLimit(_ part: String, of step: StepMessage, bytes: Int) -> String {
        "\(part) of step '\(step.stepID)' (\(bytes) bytes of JSON) takes the job's data past \(WorkflowDefinition.jobDataLimit) bytes"
    }

    /// The job fails at this step.
    private func failure(_ step: StepMessage, job: StepStore.Job, error: String, stepError: String? = nil) -> HandlerOutcome {
        let jobError = String(error.prefix(4_000))
        let stepError = String((stepError ?? error).prefix(4_000))
        return .success(HandlerEffects(write: { connection in
            try StepStore.fail(step, stepError: stepError, jobError: jobError, on: connection)
        }))
    }

    /// Effects with at most one follow-up, made now (a topology error is a worker's configuration problem).
    private func effects(
        write: (@Sendable (isolated PostgresConnection) throws -> Void)? = nil, followUp: (() throws -> OutgoingEvent)?
    ) -> HandlerOutcome {
        do {
            return .success(HandlerEffects(write: write, followUps: try followUp.map { [try $0()] } ?? []))
        } catch {
            return .transientFailure(HandlerFailure("configuration", "scheduling the next step: \(error)"))
        }
    }
}
