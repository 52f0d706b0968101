// Credentials at rest: sealed with AES-GCM under the fleet's key, bound to their owner.

public import Foundation
import Crypto
public import SwitchyardCore

/// Seals and opens credentials (API keys, tokens) stored in the database, with AES-256-GCM and
/// the key in `SWITCHYARD_SECRETS_KEY` (32 bytes as 64 hex digits or base64).
///
/// A sealed value is a version byte (1), the 12-byte nonce, the ciphertext and the 16-byte tag.
/// The owner (`tenant/transformer`) is authenticated with it, so a sealed value copied to
/// another row does not open there.
public struct SecretBox: Sendable {
    /// The variable holding the key.
    public static let variable = "SWITCHYARD_SECRETS_KEY"
    private static let version: UInt8 = 1
    private let key: SymmetricKey

    /// Why sealed secrets could not be opened.
    public struct OpenError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The box of the key in `environment`, or nil when the variable is unset.
    /// - Throws: ``ConfigurationError`` naming the variable when its value is not a 32-byte key.
    public init?(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) {
        guard let text = environment[Self.variable]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let bytes = Self.hex(text) ?? Data(base64Encoded: text), bytes.count == 32 else {
            throw ConfigurationError(
                variable: Self.variable,
                problem: "expected a 32-byte key as 64 hex digits or base64 (openssl rand -hex 32), got \(text.count) characters")
        }
        key = SymmetricKey(data: bytes)
    }

    /// Seals `plaintext` for `owner`.
    public func seal(_ plaintext: [UInt8], owner: String) -> [UInt8] {
        // AES-GCM with a fresh random nonce only fails for an invalid key size, excluded above.
        guard let box = try? AES.GCM.seal(plaintext, using: key, authenticating: Array(owner.utf8)), let combined = box.combined else {
            preconditionFailure("AES-GCM sealing with a 32-byte key failed")
        }
        return [Self.version] + Array(combined)
    }

    /// Opens what ``seal(_:owner:)`` sealed for `owner`.
    /// - Throws: ``OpenError`` for another key, another owner, or damaged bytes.
    public func open(_ sealed: [UInt8], owner: String) throws(OpenError) -> [UInt8] {
        guard sealed.first == Self.version,
              let box = try? AES.GCM.SealedBox(combined: sealed.dropFirst()),
              let plaintext = try? AES.GCM.open(box, using: key, authenticating: Array(owner.utf8))
        else {
            throw OpenError(description: "the sealed secrets do not open with this \(Self.variable) (another key, or damaged)")
        }
        return Array(plaintext)
    }

    private static func hex(_ text: String) -> Data? {
        guard text.count == 64 else { return nil }
        var bytes = Data()
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
