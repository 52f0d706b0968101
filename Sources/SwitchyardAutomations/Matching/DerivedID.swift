// Ids that follow from what they identify, so writing twice finds the first row.

import Crypto
import Foundation

/// A UUID (version 8) derived from its parts by SHA-256: the same parts give the same id.
enum DerivedID {
    /// The id of `kind` (`execution`, `job`) for `parts`, as lowercase text.
    static func make(_ kind: String, _ parts: String...) -> String {
        var bytes = Array(SHA256.hash(data: Data(([kind] + parts).joined(separator: "\u{0}").utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let uuid = UUID(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
        return uuid.uuidString.lowercased()
    }
}
