// The one error type of SwitchyardMigrations: a bad migrations folder, a changed file, a
// migration the server rejected.

public import SwitchyardPostgres

/// Why migrating failed; the message names the file concerned.
public struct MigrationError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. An opaque, extensible set: compare with the static members.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// The folder can't be used: it doesn't exist, is a file, can't be listed, or holds no
        /// migrations.
        public static let unusableFolder = Code("unusableFolder")
        /// A file in the folder could not be read, or is not UTF-8.
        public static let unreadable = Code("unreadable")
        /// A `.sql` file's name is not `NNNN_name.sql`.
        public static let invalidFileName = Code("invalidFileName")
        /// Two files share a number.
        public static let duplicateVersion = Code("duplicateVersion")
        /// A file that was already applied has changed since (its SHA-256 differs).
        public static let checksumMismatch = Code("checksumMismatch")
        /// The server rejected a migration; it was rolled back and not recorded.
        public static let migrationFailed = Code("migrationFailed")

        /// The code's name, as in `checksumMismatch`.
        public var description: String { name }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What happened, naming the file.
    public var message: String
    /// The server's error, for ``Code/migrationFailed``.
    public var underlying: PostgresError?

    /// Creates an error.
    /// - Parameters:
    ///   - code: What kind of failure this is.
    ///   - message: What happened, naming the file.
    ///   - underlying: The server's error, if one caused this.
    public init(_ code: Code, _ message: String, underlying: PostgresError? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// The message.
    public var description: String { message }
}
