// Signing webhooks the Standard Webhooks way, for the offline build simulator's callbacks.

import Crypto
import Foundation

/// Signs `id.timestamp.body` with HMAC-SHA256 under a `whsec_<base64>` secret, as the build
/// service signs its callbacks (`webhook-signature: v1,<base64>`).
public struct WebhookSigner: Sendable {
    private let key: SymmetricKey

    /// A signer for `secret` (`whsec_<base64>`); nil when it isn't one.
    public init?(secret: String) {
        guard secret.hasPrefix("whsec_"), let bytes = Data(base64Encoded: String(secret.dropFirst("whsec_".count))), !bytes.isEmpty else {
            return nil
        }
        key = SymmetricKey(data: bytes)
    }

    /// The `webhook-signature` header value for this delivery.
    public func signature(id: String, timestamp: Int, body: [UInt8]) -> String {
        var signed = Data("\(id).\(timestamp).".utf8)
        signed.append(contentsOf: body)
        return "v1," + Data(HMAC<SHA256>.authenticationCode(for: signed, using: key)).base64EncodedString()
    }
}
