// The diagnostic pipeline: the `probe` role that smoke tests and delivery proofs use.

import Switchyard
import SwitchyardCore
public import SwitchyardPipeline
public import SwitchyardRuntime

/// Diagnostics: `probe.run` messages do what their body asks (sleep, fail, crash) and leave a row.
public struct DiagnosticsPipeline: Pipeline {
    public let name = "diagnostics"

    public let roles = [
        RoleDescription(
            name: "probe", summary: "diagnostic: does what each probe.run asks, then records one row",
            consumes: ["probe.#"]),
    ]

    public let emits = ["probe.run"]

    /// Creates the pipeline's declaration.
    public init() {}

    public func makeRoles(named names: [String], context: RoleContext) async throws -> [any WorkerRole] {
        let allowCrash = try ConfigurationVariables(context.environment).flag("SWITCHYARD_PROBE_ALLOW_CRASH", default: false)
        let timeout = context.topology.roles["probe"]?.handlerTimeout ?? Topology.defaultHandlerTimeout
        return names.map { _ in ProbeRole(allowCrash: allowCrash, handlerTimeout: timeout) }
    }
}
