// `switchyard tenants create NAME`, `switchyard keys create --tenant ID`, `keys revoke ID`:
// each prints just the new id or key, so scripts can capture it.

import ArgumentParser
import Foundation
import SwitchyardAPI
import SwitchyardCore
import SwitchyardIngress
import SwitchyardPostgres

/// Tenants: the owners of API keys and of every tenant-scoped row.
struct TenantsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenants", abstract: "Manage tenants.", subcommands: [Create.self])

    /// `tenants create NAME`: prints the new tenant's id.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a tenant and print its id.")

        @Argument(help: "A unique name (letters, digits, '-', '_', '.').")
        var name: String

        func validate() throws {
            guard TenantName.isValid(name) else {
                throw ValidationError("NAME: expected \(TenantName.rule), got '\(name)'")
            }
        }

        func run() async throws {
            let id = try await withDatabase { connection in
                try connection.query(
                    "INSERT INTO tenants (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING id::text", [name]
                ).first.map { try $0.decode(String.self, at: 0) }
            }
            guard let id else { throw CommandFailure(message: "a tenant named '\(name)' already exists", exitCode: 2) }
            print(id)
        }
    }
}

/// API keys: `Authorization: Bearer sy_...` for producer events and the job API.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage API keys.", subcommands: [Create.self, Revoke.self])

    /// `keys create --tenant ID`: prints the key, once; only its hash is stored.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API key for a tenant and print it (shown once).")

        @Option(help: "The tenant's id (from `switchyard tenants create`).")
        var tenant: String

        func validate() throws {
            guard UUID(uuidString: tenant) != nil else { throw ValidationError("--tenant: expected a tenant id (UUID), got '\(tenant)'") }
        }

        func run() async throws {
            let tenant = tenant.lowercased()
            let key = try await withDatabase { connection -> String? in
                guard !(try connection.query("SELECT 1 FROM tenants WHERE id = $1::uuid", [tenant])).isEmpty else { return nil }
                return try APIKeys.create(tenantID: tenant, on: connection).key
            }
            guard let key else { throw CommandFailure(message: "no tenant with id \(tenant)", exitCode: 2) }
            print(key)
        }
    }

    /// `keys revoke ID`: the key stops working at once.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key by its id.")

        @Argument(help: "The key's id.")
        var id: String

        func validate() throws {
            guard UUID(uuidString: id) != nil else { throw ValidationError("ID: expected a key id (UUID), got '\(id)'") }
        }

        func run() async throws {
            let id = id.lowercased()
            guard try await withDatabase({ try APIKeys.revoke(id: id, on: $0) }) else {
                throw CommandFailure(message: "no active key with id \(id)", exitCode: 2)
            }
            print(id)
        }
    }
}
