// Known answers: the signer reproduces the examples of S3's Signature Version 4 documentation.

import Foundation
import SwitchyardHTTP
import Testing

@testable import SwitchyardBlobStore

/// The "GET Object" and "PUT Object" examples of S3's "Signature Calculations for the
/// Authorization Header: Transferring Payload in a Single Chunk": the published canonical
/// request, string to sign and signature, independent of any server.
@Suite struct S3RequestSignerTests {
    let signer = S3RequestSigner(
        accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region: "us-east-1")
    let timestamp = "20130524T000000Z"

    @Test func getObjectExampleGivesThePublishedSignature() {
        let emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        #expect(S3RequestSigner.emptyPayloadHash == emptyHash)
        let headers = [
            HTTPHeader("Host", "examplebucket.s3.amazonaws.com"), HTTPHeader("Range", "bytes=0-9"),
            HTTPHeader("x-amz-content-sha256", emptyHash), HTTPHeader("x-amz-date", timestamp),
        ]
        let canonical = signer.canonicalRequest(method: "GET", path: "/test.txt", headers: headers, payloadHash: emptyHash)
        #expect(canonical.text == """
            GET
            /test.txt

            host:examplebucket.s3.amazonaws.com
            range:bytes=0-9
            x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            x-amz-date:20130524T000000Z

            host;range;x-amz-content-sha256;x-amz-date
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
        #expect(signer.stringToSign(canonicalRequest: canonical.text, timestamp: timestamp) == """
            AWS4-HMAC-SHA256
            20130524T000000Z
            20130524/us-east-1/s3/aws4_request
            7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972
            """)
        let authorization = signer.authorization(method: "GET", path: "/test.txt", headers: headers, payloadHash: emptyHash, timestamp: timestamp)
        #expect(authorization.name == "Authorization")
        #expect(authorization.value == """
            AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,\
            SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,\
            Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41
            """)
    }

    @Test func putObjectExampleEncodesThePathAndGivesThePublishedSignature() {
        let payloadHash = S3RequestSigner.hexSHA256(Array("Welcome to Amazon S3.".utf8))
        #expect(payloadHash == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let path = S3RequestSigner.encodedPath(["test$file.text"])
        #expect(path == "/test%24file.text")
        let headers = [
            HTTPHeader("Date", "Fri, 24 May 2013 00:00:00 GMT"), HTTPHeader("Host", "examplebucket.s3.amazonaws.com"),
            HTTPHeader("x-amz-date", timestamp), HTTPHeader("x-amz-content-sha256", payloadHash),
            HTTPHeader("x-amz-storage-class", "REDUCED_REDUNDANCY"),
        ]
        let canonical = signer.canonicalRequest(method: "PUT", path: path, headers: headers, payloadHash: payloadHash)
        #expect(canonical.signedHeaders == "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class")
        #expect(S3RequestSigner.hexSHA256(Array(canonical.text.utf8)) == "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d")
        let authorization = signer.authorization(method: "PUT", path: path, headers: headers, payloadHash: payloadHash, timestamp: timestamp)
        #expect(authorization.value.hasSuffix("Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"))
    }

    @Test func pathSegmentsAreEncodedOnceWithOnlyUnreservedCharactersKept() {
        #expect(S3RequestSigner.encodedPath(["bucket", "a b", "ü~-._", "%2F"]) == "/bucket/a%20b/%C3%BC~-._/%252F")
    }

    @Test func headerValuesAreTrimmedAndInnerSpacesCollapsed() {
        let canonical = signer.canonicalRequest(
            method: "GET", path: "/", headers: [HTTPHeader("X-Amz-Meta-Note", "  a   b  ")], payloadHash: "h")
        #expect(canonical.text.contains("\nx-amz-meta-note:a b\n"))
    }

    @Test func timestampIsUTCBasicFormat() {
        #expect(S3RequestSigner.timestamp(for: Date(timeIntervalSince1970: 1_369_353_600)) == "20130524T000000Z")
        #expect(S3RequestSigner.timestamp(for: Date(timeIntervalSince1970: 1_700_000_001.9)) == "20231114T221321Z")
    }
}
