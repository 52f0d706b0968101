// Standard Webhooks signatures: HMAC-SHA256 over "id.timestamp.body", keys `whsec_<base64>`.

import Crypto
public import Foundation

/// Verifies webhook signatures by the Standard Webhooks scheme
/// (<https://www.standardwebhooks.com>): the `webhook-signature` header holds space-separated
/// `v1,<base64 HMAC-SHA256>` entries over `"<webhook-id>.<webhook-timestamp>.<raw body>"`,
/// keyed with any of the source's secrets (`whsec_<base64>`; several during a rotation). The
/// comparison is constant-time and the timestamp must lie within the tolerance of now.
public struct StandardWebhookVerifier: Sendable {
    /// Why a webhook was refused.
    public enum Failure: Error, Equatable, Sendable {
        /// A required header is absent or empty.
        case missingHeader(String)
        /// `webhook-timestamp` is not 1 to 12 ASCII digits (whole seconds since the epoch).
        case malformedTimestamp
        /// The timestamp is further from now than the tolerance.
        case timestampOutOfTolerance(secondsOff: Int64)
        /// No `v1` signature matched any secret.
        case noMatchingSignature
    }

    /// One HMAC per secret with its key already absorbed; each check starts from a copy.
    private let keyedHMACs: [HMAC<SHA256>]
    private let tolerance: Int64

    /// Creates a verifier.
    /// - Parameters:
    ///   - secrets: The source's secrets, each `whsec_<base64>` (the prefix may be omitted).
    ///   - tolerance: How far the timestamp may be from now, in seconds.
    /// - Throws: ``SecretError`` naming the secret that is not valid base64 or is empty.
    public init(secrets: [String], tolerance: Int64 = 300) throws(SecretError) {
        var keys: [SymmetricKey] = []
        for (index, secret) in secrets.enumerated() {
            let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
            guard let bytes = Data(base64Encoded: encoded), !bytes.isEmpty else {
                throw SecretError(index: index)
            }
            keys.append(SymmetricKey(data: bytes))
        }
        keyedHMACs = keys.map { HMAC<SHA256>(key: $0) }
        self.tolerance = tolerance
    }

    /// The most `v1` signatures looked at in one `webhook-signature` header.
    public static let maxCandidates = 10

    /// Checks one delivery.
    ///
    /// The timestamp is 1 to 12 ASCII digits (anything else is malformed, and no arithmetic on
    /// it can overflow); the HMAC is computed once per secret, and its base64 text (44
    /// characters) is compared in constant time with each of the first ``maxCandidates`` `v1`
    /// signatures, as the scheme's reference libraries compare them: a signature written any
    /// other way (without its `=` padding, say) does not match.
    /// - Parameters:
    ///   - id: The `webhook-id` header.
    ///   - timestamp: The `webhook-timestamp` header.
    ///   - signatures: The `webhook-signature` header.
    ///   - body: The raw body, exactly as received.
    ///   - now: The current time.
    /// - Throws: ``Failure`` saying what is wrong.
    public func verify(id: String?, timestamp: String?, signatures: String?, body: some DataProtocol, now: Date = Date()) throws(Failure) {
        guard let id, !id.isEmpty else { throw .missingHeader("webhook-id") }
        guard let timestamp, !timestamp.isEmpty else { throw .missingHeader("webhook-timestamp") }
        guard let signatures, !signatures.isEmpty else { throw .missingHeader("webhook-signature") }
        guard let seconds = Self.seconds(timestamp) else { throw .malformedTimestamp }
        let nowSeconds = Int64(now.timeIntervalSince1970.rounded(.down))
        let off = seconds - nowSeconds
        guard abs(off) <= tolerance else { throw .timestampOutOfTolerance(secondsOff: off) }

        // As the scheme's reference libraries do, signatures are compared as base64 text (44
        // characters for 32 bytes), so no candidate is decoded; the codes are computed at the
        // first `v1` candidate. The header is split as its bytes: `split` over a
        // `String.UTF8View` cost about 3,000 instructions a webhook.
        var header = signatures
        let matched = header.withUTF8 { header in
            var expected: [[UInt8]]?
            for entry in header.split(separator: UInt8(ascii: " ")).prefix(Self.maxCandidates) where entry.starts(with: Self.scheme) {
                let codes = expected ?? {
                    let signed = Self.signedContent(id: id, timestamp: timestamp, body: body)
                    return keyedHMACs.map { Array(Data(Self.code($0, signed)).base64EncodedString().utf8) }
                }()
                expected = codes
                let encoded = UnsafeBufferPointer(rebasing: entry.dropFirst(Self.scheme.count))
                if codes.contains(where: { Self.constantTimeEqual($0, encoded) }) { return true }
            }
            return false
        }
        if matched { return }
        throw .noMatchingSignature
    }

    /// The prefix of a signature of the scheme checked here.
    private static let scheme = Array("v1,".utf8)

    /// Whether two byte strings are equal, taking the same time for every string of a length.
    private static func constantTimeEqual(_ left: [UInt8], _ right: UnsafeBufferPointer<UInt8>) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(left, right) { difference |= a ^ b }
        return difference == 0
    }

    /// What is signed: `"<id>.<timestamp>.<body>"`, in one buffer. swift-crypto's
    /// `HMAC.update(data:)` is generic and not inlinable, so each call costs about 3,000
    /// instructions beyond the hashing; one call for the whole content is far cheaper than
    /// one a part, copy included.
    private static func signedContent(id: String, timestamp: String, body: some DataProtocol) -> [UInt8] {
        var content: [UInt8] = []
        content.reserveCapacity(id.utf8.count + timestamp.utf8.count + 2 + body.count)
        content.append(contentsOf: id.utf8)
        content.append(UInt8(ascii: "."))
        content.append(contentsOf: timestamp.utf8)
        content.append(UInt8(ascii: "."))
        content.append(contentsOf: body)
        return content
    }

    /// The HMAC of the signed content, from a keyed HMAC's copy.
    private static func code(_ keyed: HMAC<SHA256>, _ signedContent: [UInt8]) -> HashedAuthenticationCode<SHA256> {
        var hmac = keyed
        hmac.update(data: signedContent)
        return hmac.finalize()
    }

    /// Whole seconds since 1970 when `text` is 1 to 12 ASCII digits (up to the year 33658),
    /// else nil: signs, spaces, and values that could overflow are not timestamps.
    static func seconds(_ text: String) -> Int64? {
        let digits = text.utf8
        guard (1...12).contains(digits.count), digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return nil
        }
        return digits.reduce(Int64(0)) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) }
    }

    /// A `webhook-signature` value for `body`, with the first secret (for tests and senders).
    public func sign(id: String, timestamp: String, body: some DataProtocol) -> String {
        "v1," + Data(Self.code(keyedHMACs[0], Self.signedContent(id: id, timestamp: timestamp, body: body))).base64EncodedString()
    }
}

/// A configured webhook secret that is not `whsec_` followed by non-empty base64.
public struct SecretError: Error, Equatable, Sendable {
    /// Its position in the comma-separated list, from 0.
    public var index: Int
}
