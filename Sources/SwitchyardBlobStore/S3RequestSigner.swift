// AWS Signature Version 4 for S3 requests: canonical request, string to sign, signing key.

import Crypto
import Foundation
import SwitchyardCore
import SwitchyardHTTP

/// Signs S3 requests with AWS Signature Version 4 (header form, payload hash in
/// `x-amz-content-sha256`), as S3's "Authenticating Requests (AWS Signature Version 4)"
/// describes it:
///
/// - canonical request: method, the URI-encoded path (each segment encoded once, `/` kept),
///   the query (always empty here), each signed header as `name:value` (names lowercased,
///   values trimmed with inner runs of spaces collapsed, sorted by name), the signed header
///   names joined by `;`, and the payload's hex SHA-256;
/// - string to sign: `AWS4-HMAC-SHA256`, the timestamp, the scope `date/region/s3/aws4_request`
///   and the hex SHA-256 of the canonical request, one per line;
/// - signing key: HMAC-SHA256 chained over `AWS4` + secret, the date, region, service and
///   `aws4_request`; the signature is the hex HMAC of the string to sign with that key.
struct S3RequestSigner: Sendable {
    /// The access key id, named in the credential scope.
    let accessKeyID: String
    /// The secret access key; only the signing key derived from it leaves this type.
    let secretAccessKey: String
    /// The region, such as `us-east-1`.
    let region: String

    /// The service name of the scope.
    static let service = "s3"
    /// The hex SHA-256 of no bytes (the payload hash of GET and HEAD).
    static let emptyPayloadHash = hexSHA256([])

    /// The `Authorization` header for a request.
    /// - Parameters:
    ///   - method: The method, such as `PUT`.
    ///   - path: The canonical URI (already encoded, see ``encodedPath(_:)``).
    ///   - headers: Every header to sign; it must hold `Host`, `x-amz-date` (equal to
    ///     `timestamp`) and `x-amz-content-sha256` (equal to `payloadHash`).
    ///   - payloadHash: The hex SHA-256 of the body.
    ///   - timestamp: The request time as `yyyyMMdd'T'HHmmss'Z'` (``timestamp(for:)``).
    func authorization(
        method: String, path: String, headers: [HTTPHeader], payloadHash: String, timestamp: String
    ) -> HTTPHeader {
        let canonical = canonicalRequest(method: method, path: path, headers: headers, payloadHash: payloadHash)
        let signature = signature(of: stringToSign(canonicalRequest: canonical.text, timestamp: timestamp), timestamp: timestamp)
        return HTTPHeader(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=\(accessKeyID)/\(scope(timestamp)),SignedHeaders=\(canonical.signedHeaders),Signature=\(signature)")
    }

    /// The canonical request and its signed header list.
    func canonicalRequest(
        method: String, path: String, headers: [HTTPHeader], payloadHash: String
    ) -> (text: String, signedHeaders: String) {
        let fields = headers
            .map { (name: $0.name.lowercased(), value: Self.canonicalValue($0.value)) }
            .sorted { $0.name < $1.name }
        let signedHeaders = fields.map(\.name).joined(separator: ";")
        let lines = [method, path, ""] + fields.map { "\($0.name):\($0.value)" } + ["", signedHeaders, payloadHash]
        return (lines.joined(separator: "\n"), signedHeaders)
    }

    /// The string to sign for a canonical request.
    func stringToSign(canonicalRequest: String, timestamp: String) -> String {
        ["AWS4-HMAC-SHA256", timestamp, scope(timestamp), Self.hexSHA256(Array(canonicalRequest.utf8))].joined(separator: "\n")
    }

    /// The hex signature of a string to sign.
    func signature(of stringToSign: String, timestamp: String) -> String {
        var key = SymmetricKey(data: Array("AWS4\(secretAccessKey)".utf8))
        for part in [String(timestamp.prefix(8)), region, Self.service, "aws4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key))
        }
        return HexText.lowercase(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
    }

    /// `date/region/s3/aws4_request`.
    private func scope(_ timestamp: String) -> String {
        "\(timestamp.prefix(8))/\(region)/\(Self.service)/aws4_request"
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC, as `x-amz-date` wants it.
    static func timestamp(for date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func digits(_ value: Int?, _ width: Int) -> String {
            String(value ?? 0).leftPadded(to: width)
        }
        return digits(parts.year, 4) + digits(parts.month, 2) + digits(parts.day, 2) + "T"
            + digits(parts.hour, 2) + digits(parts.minute, 2) + digits(parts.second, 2) + "Z"
    }

    /// The canonical URI of `segments`: `/` and each segment URI-encoded, so that only
    /// `A-Z a-z 0-9 - . _ ~` stay as they are and every other byte becomes `%XX` (upper-case hex).
    static func encodedPath(_ segments: [Substring]) -> String {
        segments.map { "/" + uriEncode($0) }.joined()
    }

    /// The hex SHA-256 of `bytes`.
    static func hexSHA256(_ bytes: [UInt8]) -> String {
        HexText.lowercase(SHA256.hash(data: bytes))
    }

    private static func uriEncode(_ segment: Substring) -> String {
        var text = ""
        for byte in segment.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                text.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                text += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return text
    }

    /// A header value trimmed, with each inner run of spaces collapsed into one.
    private static func canonicalValue(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }
}

extension String {
    /// The string with `0`s in front up to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
