// `switchyard users grant --tenant ID --user NAME --credits N [--daily-limit N]`: the people who
// request image generations, their credits and daily limits.

import ArgumentParser
import Foundation
import SwitchyardPostgres

/// Users of a tenant who generate images (POST /v1/generations names them by `user_id`).
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Manage the users who request image generations.", subcommands: [Grant.self])

    /// Creates the user if needed, adds credits, optionally sets the daily limit; prints the
    /// user's internal id.
    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add credits to a tenant's user (created if new) and print the user's id.")

        @Option(help: "The tenant's id (from `switchyard tenants create`).")
        var tenant: String

        @Option(help: "The producer's own id for the user: the user_id of POST /v1/generations.")
        var user: String

        @Option(help: "Credits to add (one credit per generated slide).")
        var credits: Int

        @Option(help: "Generations the user may request per UTC day (new users: 10).")
        var dailyLimit: Int?

        func validate() throws {
            guard UUID(uuidString: tenant) != nil else { throw ValidationError("--tenant: expected a tenant id (UUID), got '\(tenant)'") }
            guard !user.isEmpty, user.count <= 200 else { throw ValidationError("--user: expected 1-200 characters") }
            guard (0...1_000_000).contains(credits) else { throw ValidationError("--credits: expected 0...1000000, got \(credits)") }
            if let dailyLimit, !(0...100_000).contains(dailyLimit) {
                throw ValidationError("--daily-limit: expected 0...100000, got \(dailyLimit)")
            }
        }

        func run() async throws {
            let tenant = tenant.lowercased()
            let id = try await withDatabase { connection -> String? in
                guard !(try connection.query("SELECT 1 FROM tenants WHERE id = $1::uuid", [tenant])).isEmpty else { return nil }
                return try connection.query(
                    """
                    INSERT INTO users (tenant_id, external_id, credits, daily_generation_limit)
                    VALUES ($1::uuid, $2, $3, coalesce($4::int, 10))
                    ON CONFLICT (tenant_id, external_id) DO UPDATE
                    SET credits = users.credits + excluded.credits,
                        daily_generation_limit = coalesce($4::int, users.daily_generation_limit)
                    RETURNING id::text
                    """, [tenant, user, credits, dailyLimit])[0].decode(String.self, at: 0)
            }
            guard let id else { throw CommandFailure(message: "no tenant with id \(tenant)", exitCode: 2) }
            print(id)
        }
    }
}
