// `--concurrency`: handler slots per role, one number for all or per role by name.

import ArgumentParser
import SwitchyardRuntime

/// Handler slots: a default for every role and overrides by role name, parsed from `16`,
/// `analysis=8,build=4` or `16,build=4`.
struct HandlerSlots: ExpressibleByArgument, Sendable {
    /// The most slots a role may have.
    static let range = 1...1_000

    /// Slots of a role not named in ``byRole``.
    var perRole: Int
    /// Slots by role name.
    var byRole: [String: Int] = [:]

    init(perRole: Int, byRole: [String: Int] = [:]) {
        self.perRole = perRole
        self.byRole = byRole
    }

    init?(argument: String) {
        var perRole = WorkerRuntime.Configuration.defaultSlots
        var byRole: [String: Int] = [:]
        for item in argument.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let count = Int(parts[parts.count - 1]), Self.range.contains(count) else { return nil }
            if parts.count == 1 {
                perRole = count
            } else {
                let role = String(parts[0])
                guard !role.isEmpty, byRole[role] == nil else { return nil }
                byRole[role] = count
            }
        }
        self.init(perRole: perRole, byRole: byRole)
    }

    var defaultValueDescription: String {
        (["\(perRole)"] + byRole.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: ",")
    }
}
