import Foundation
import Switchyard
import SwitchyardCore
import SwitchyardPipeline
import SwitchyardPipelines
import SwitchyardTestSupport
import Testing

/// The registry of pipelines and the topology agree: every role of one is a role of the other,
/// with the same bindings, and every event type something emits or producers send is bound.
@Suite struct PipelineRegistryTests {
    static let topology = try! Topology.load(path: TestEnvironment.repositoryRoot.appending(path: "topology/switchyard.yaml").path)

    @Test func everyTopologyRoleIsRegisteredAndEveryRegisteredRoleIsInTheTopology() {
        let registered = PipelineRegistry.roles.map(\.name)
        #expect(Set(registered).count == registered.count, "a role is declared by one pipeline only: \(registered)")
        #expect(Set(Self.topology.roles.keys).subtracting(registered).isEmpty,
                "topology roles no pipeline registers: \(Set(Self.topology.roles.keys).subtracting(registered).sorted())")
        #expect(Set(registered).subtracting(Self.topology.roles.keys).isEmpty,
                "registered roles the topology lacks: \(Set(registered).subtracting(Self.topology.roles.keys).sorted())")
    }

    @Test func eachRoleConsumesWhatTheTopologyBindsToIt() {
        for role in PipelineRegistry.roles {
            #expect(Set(role.consumes) == Set(Self.topology.roles[role.name]?.events ?? []), "\(role.name)")
        }
    }

    @Test func everyEventTypeThatIsSentOrEmittedHasABinding() {
        let patterns = Self.topology.roles.values.flatMap(\.events)
        let types = EventCatalog.types.map(\.name) + PipelineRegistry.pipelines.flatMap(\.emits)
        for type in Set(types) {
            #expect(patterns.contains { Topology.topic($0, matches: type) }, "no role's queue is bound to \(type)")
        }
    }

    @Test func packageDependenciesEqualEachTargetsImports() throws {
        let outcome = try SwitchyardProcess.run(
            executable: URL(filePath: "/usr/bin/env"), ["python3", TestEnvironment.repositoryRoot.appending(path: "scripts/check-dependencies").path])
        #expect(outcome.status == 0, "\(outcome.standardOutput)\(outcome.standardError)")
    }
}
