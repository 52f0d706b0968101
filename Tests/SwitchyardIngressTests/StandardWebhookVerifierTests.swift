import Crypto
import Foundation
@testable import SwitchyardIngress
import Testing

/// The Standard Webhooks verifier alone: timestamps, candidates, secrets, rotation.
@Suite struct StandardWebhookVerifierTests {
    static let secret = "whsec_" + Data("unit-test-secret-of-thirty-two-b".utf8).base64EncodedString()
    static let rotated = "whsec_" + Data("the-next-secret-of-thirty-two-by".utf8).base64EncodedString()
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let body = Array(#"{"event":"x"}"#.utf8)

    @Test func aSignatureByAnyConfiguredSecretPasses() throws {
        let verifier = try StandardWebhookVerifier(secrets: [Self.secret, Self.rotated])
        let signedByNew = try StandardWebhookVerifier(secrets: [Self.rotated])
            .sign(id: "id-1", timestamp: "1800000000", body: Self.body)
        try verifier.verify(id: "id-1", timestamp: "1800000000", signatures: "v1,AAAA \(signedByNew)", body: Self.body, now: Self.now)
        #expect(throws: StandardWebhookVerifier.Failure.noMatchingSignature) {
            try verifier.verify(id: "id-2", timestamp: "1800000000", signatures: signedByNew, body: Self.body, now: Self.now)
        }
    }

    @Test func onlyOneToTwelveDigitsAreATimestamp() throws {
        #expect(StandardWebhookVerifier.seconds("1800000000") == 1_800_000_000)
        #expect(StandardWebhookVerifier.seconds("999999999999") == 999_999_999_999)
        for text in ["", "1234567890123", "-1", "+1", "1e9", " 1", "１２３", "9223372036854775808", "-9223372036854775808"] {
            #expect(StandardWebhookVerifier.seconds(text) == nil, "'\(text)'")
        }
        let verifier = try StandardWebhookVerifier(secrets: [Self.secret])
        #expect(throws: StandardWebhookVerifier.Failure.malformedTimestamp) {
            try verifier.verify(id: "i", timestamp: "-9223372036854775808", signatures: "v1,AAAA", body: Self.body, now: Self.now)
        }
        #expect(throws: StandardWebhookVerifier.Failure.timestampOutOfTolerance(secondsOff: -301)) {
            try verifier.verify(id: "i", timestamp: "1799999699", signatures: "v1,AAAA", body: Self.body, now: Self.now)
        }
    }

    @Test func atMostTenCandidatesAreLookedAtAndOnlyThirtyTwoByteOnesCount() throws {
        let verifier = try StandardWebhookVerifier(secrets: [Self.secret])
        let valid = verifier.sign(id: "id", timestamp: "1800000000", body: Self.body)
        let tenth = (Array(repeating: "v1,AAAA", count: 9) + [valid]).joined(separator: " ")
        try verifier.verify(id: "id", timestamp: "1800000000", signatures: tenth, body: Self.body, now: Self.now)
        let eleventh = (Array(repeating: "v1,AAAA", count: 10) + [valid]).joined(separator: " ")
        #expect(throws: StandardWebhookVerifier.Failure.noMatchingSignature) {
            try verifier.verify(id: "id", timestamp: "1800000000", signatures: eleventh, body: Self.body, now: Self.now)
        }
        let truncated = String(valid.dropLast(8))
        #expect(throws: StandardWebhookVerifier.Failure.noMatchingSignature) {
            try verifier.verify(id: "id", timestamp: "1800000000", signatures: truncated, body: Self.body, now: Self.now)
        }
    }

    @Test func runsOfSpacesMakeNoCandidatesAndOnlyWholeV1EntriesAreSignatures() throws {
        let verifier = try StandardWebhookVerifier(secrets: [Self.secret])
        let valid = verifier.sign(id: "id", timestamp: "1800000000", body: Self.body)
        // Spaces around and between entries, however many, are no candidates: the valid
        // signature is still the tenth.
        let spaced = "  " + (Array(repeating: "v1,AAAA", count: 9) + [valid]).joined(separator: "   ") + " "
        try verifier.verify(id: "id", timestamp: "1800000000", signatures: spaced, body: Self.body, now: Self.now)
        let code = String(valid.dropFirst(3))
        for refused in ["v1,", "v1, v1,", "\t" + valid, "v1" + code, "v1;" + code, "v2," + code, valid + "x", "x" + valid] {
            #expect(throws: StandardWebhookVerifier.Failure.noMatchingSignature, "\(refused)") {
                try verifier.verify(id: "id", timestamp: "1800000000", signatures: refused, body: Self.body, now: Self.now)
            }
        }
        try verifier.verify(id: "id", timestamp: "1800000000", signatures: "v1," + code.dropLast(1) + " " + valid, body: Self.body, now: Self.now)
    }

    @Test func signaturesAreComparedAsTheirBase64Text() throws {
        let verifier = try StandardWebhookVerifier(secrets: [Self.secret])
        let valid = verifier.sign(id: "id", timestamp: "1800000000", body: Self.body)
        #expect(valid.hasSuffix("=") && valid.utf8.count == 3 + 44)
        try verifier.verify(id: "id", timestamp: "1800000000", signatures: valid, body: Self.body, now: Self.now)
        // The last character before the `=` carries 2 padding bits; with one of them set, the
        // text still decodes to the same 32 bytes, but it is not the code's base64.
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var characters = Array(valid)
        let last = characters.count - 2
        characters[last] = alphabet[alphabet.firstIndex(of: characters[last])! ^ 1]
        let nonCanonical = String(characters)
        #expect(Data(base64Encoded: String(nonCanonical.dropFirst(3))) == Data(base64Encoded: String(valid.dropFirst(3))))
        for other in [nonCanonical, String(valid.dropLast()), valid + "=", valid + "A", "V1" + valid.dropFirst(2)] {
            #expect(throws: StandardWebhookVerifier.Failure.noMatchingSignature, "\(other)") {
                try verifier.verify(id: "id", timestamp: "1800000000", signatures: other, body: Self.body, now: Self.now)
            }
        }
    }

    @Test func eachCheckStartsFromTheKeyAloneAndMatchesAnIndependentHMAC() throws {
        let verifier = try StandardWebhookVerifier(secrets: [Self.secret])
        let key = SymmetricKey(data: Data(base64Encoded: String(Self.secret.dropFirst(6)))!)
        for index in 0..<3 {
            let id = "id-\(index)"
            let independent = "v1," + Data(HMAC<SHA256>.authenticationCode(
                for: Array("\(id).1800000000.".utf8) + Self.body, using: key)).base64EncodedString()
            #expect(verifier.sign(id: id, timestamp: "1800000000", body: Self.body) == independent)
            try verifier.verify(id: id, timestamp: "1800000000", signatures: "  \(independent)  ", body: Self.body, now: Self.now)
            let bare = String(independent.dropFirst(3))
            for wrongScheme in ["v2,\(bare)", "v1\(bare)", "v1;\(bare)", ",\(bare)"] {
                #expect(throws: StandardWebhookVerifier.Failure.noMatchingSignature) {
                    try verifier.verify(id: id, timestamp: "1800000000", signatures: wrongScheme, body: Self.body, now: Self.now)
                }
            }
        }
    }

    @Test func missingHeadersAndBadSecretsSayWhich() {
        #expect(throws: SecretError(index: 1)) { try StandardWebhookVerifier(secrets: [Self.secret, "whsec_***"]) }
        let verifier = try? StandardWebhookVerifier(secrets: [Self.secret])
        #expect(throws: StandardWebhookVerifier.Failure.missingHeader("webhook-signature")) {
            try verifier?.verify(id: "i", timestamp: "1800000000", signatures: nil, body: Self.body, now: Self.now)
        }
    }
}
