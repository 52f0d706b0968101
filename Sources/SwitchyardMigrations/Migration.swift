// One migration file: its validated name, its SQL and the SHA-256 checksum recorded for it;
// and reading a migrations folder into them.

import Crypto
public import Foundation

/// One file of the migrations folder, `NNNN_name.sql`.
public struct Migration: Sendable, Hashable {
    /// The file name, as recorded in `schema_migrations.name` (`0001_infrastructure.sql`).
    public let name: String
    /// The four-digit number that orders it.
    public let version: Int
    /// The file's SQL.
    public let sql: String
    /// The lowercase hex SHA-256 of the file's bytes.
    public let checksum: String

    /// Reads and validates every `.sql` file of a folder; other files are ignored.
    /// - Parameter directory: The migrations folder.
    /// - Returns: The migrations, ordered by number.
    /// - Throws: ``MigrationError`` naming the file: ``MigrationError/Code/invalidFileName``
    ///   for a `.sql` file not named `NNNN_name.sql` (4 digits, `_`, then lowercase letters,
    ///   digits and `_`), ``MigrationError/Code/duplicateVersion`` for two files with one
    ///   number, ``MigrationError/Code/unreadable`` for a file that cannot be read, and
    ///   ``MigrationError/Code/unusableFolder`` for a folder that cannot be read or holds no
    ///   migrations (a wrong path would otherwise "apply" nothing).
    public static func load(from directory: URL) throws -> [Migration] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isFolder) else {
            throw MigrationError(.unusableFolder, "cannot read the migrations folder \(directory.path): no such folder")
        }
        guard isFolder.boolValue else {
            throw MigrationError(.unusableFolder, "cannot read the migrations folder \(directory.path): it is a file, not a folder")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw MigrationError(.unusableFolder, "cannot read the migrations folder \(directory.path): \(error.localizedDescription)")
        }
        var migrations: [Migration] = []
        for name in names.sorted() where name.hasSuffix(".sql") {
            guard let version = version(ofFileName: name) else {
                throw MigrationError(
                    .invalidFileName,
                    "invalid migration file name \(name): expected NNNN_name.sql (4 digits, an underscore, then lowercase letters, digits and underscores)"
                )
            }
            if let previous = migrations.last, previous.version == version {
                throw MigrationError(.duplicateVersion, "migrations \(previous.name) and \(name) share the number \(name.prefix(4))")
            }
            migrations.append(try Migration(name: name, version: version, file: directory.appendingPathComponent(name)))
        }
        guard !migrations.isEmpty else {
            throw MigrationError(.unusableFolder, "the migrations folder \(directory.path) holds no NNNN_name.sql files (is it the right folder?)")
        }
        return migrations
    }

    private init(name: String, version: Int, file: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw MigrationError(.unreadable, "cannot read migration \(name): \(error)")
        }
        guard let sql = String(data: data, encoding: .utf8) else {
            throw MigrationError(.unreadable, "migration \(name) is not valid UTF-8")
        }
        self.name = name
        self.version = version
        self.sql = sql
        self.checksum = SHA256.hash(data: data).map { byte in
            (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
        }.joined()
    }

    /// The number of a valid `NNNN_name.sql` file name, else `nil`.
    private static func version(ofFileName fileName: String) -> Int? {
        let stem = fileName.utf8.dropLast(".sql".utf8.count)
        let digits = stem.prefix(4)
        let rest = stem.dropFirst(4)
        guard digits.count == 4, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              rest.first == UInt8(ascii: "_"), rest.count > 1,
              rest.dropFirst().allSatisfy({
                  (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
                      || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                      || $0 == UInt8(ascii: "_")
              })
        else { return nil }
        return Int(String(decoding: digits, as: UTF8.self))
    }
}
