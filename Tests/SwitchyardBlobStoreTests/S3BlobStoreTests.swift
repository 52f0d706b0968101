// The S3 store against a local S3 server (moto) that checks every signature.

import Foundation
import SwitchyardBlobStore
import SwitchyardTestSupport
import Testing

@Suite struct S3BlobStoreTests {
    @Test func putGetHeadRoundTripOfTwoMebibytes() async throws {
        try await MotoServer.with { moto async throws in
            let store = S3BlobStore(configuration: moto.configuration())
            let bytes = randomBytes(2 << 20)
            try await store.put("generations/g1/slides/0.png", bytes, contentType: "image/png")
            let blob = try #require(try await store.get("generations/g1/slides/0.png"))
            #expect(blob.bytes == bytes)
            #expect(blob.contentType == "image/png")
            #expect(try await store.head("generations/g1/slides/0.png") == BlobInfo(size: 2 << 20, contentType: "image/png"))
            try await store.put("empty.txt", [], contentType: "text/plain; charset=utf-8")
            #expect(try await store.get("empty.txt") == Blob(bytes: [], contentType: "text/plain; charset=utf-8"))
        }
    }

    @Test func missingKeysAreNil() async throws {
        try await MotoServer.with { moto async throws in
            let store = S3BlobStore(configuration: moto.configuration())
            #expect(try await store.get("generations/none/slides/0.png") == nil)
            #expect(try await store.head("generations/none/slides/0.png") == nil)
        }
    }

    @Test func overwriteReplacesTheObject() async throws {
        try await MotoServer.with { moto async throws in
            let store = S3BlobStore(configuration: moto.configuration())
            try await store.put("k/slide.png", randomBytes(10_000), contentType: "image/png")
            let last = randomBytes(3_000)
            try await store.put("k/slide.png", last, contentType: "image/webp")
            #expect(try await store.get("k/slide.png") == Blob(bytes: last, contentType: "image/webp"))
            #expect(try await store.head("k/slide.png") == BlobInfo(size: 3_000, contentType: "image/webp"))
        }
    }

    @Test func aWrongSecretIsRefusedWithTheServersSignatureError() async throws {
        try await MotoServer.with { moto async throws in
            let wrongSecret = "wrong-\(UUID().uuidString)"
            let store = S3BlobStore(configuration: moto.configuration(secretAccessKey: wrongSecret))
            let put = await #expect(throws: BlobStoreError.self) { try await store.put("k.png", [1, 2, 3], contentType: "image/png") }
            #expect(put?.code == .refused)
            #expect(put?.status == 403)
            #expect(put?.serviceCode == "SignatureDoesNotMatch")
            #expect(put?.message.contains("SignatureDoesNotMatch") == true)
            #expect(put?.message.contains("signature we calculated does not match") == true, "S3's own message is kept")
            #expect(put?.isTransient == false)
            let get = await #expect(throws: BlobStoreError.self) { try await store.get("k.png") }
            #expect(get?.serviceCode == "SignatureDoesNotMatch")
            let head = await #expect(throws: BlobStoreError.self) { try await store.head("k.png") }
            #expect(head?.code == .refused)
            #expect(head?.status == 403, "a HEAD answer has no body, so only the status says why")
            for error in [put, get, head].compactMap({ $0 }) {
                #expect(!error.description.contains(wrongSecret))
            }
            let right = S3BlobStore(configuration: moto.configuration())
            #expect(try await right.get("k.png") == nil, "nothing was written with the wrong secret")
        }
    }

    @Test func aMissingBucketIsRefusedNotNil() async throws {
        try await MotoServer.with { moto async throws in
            let store = S3BlobStore(configuration: moto.configuration(bucket: "no-such-bucket"))
            let error = await #expect(throws: BlobStoreError.self) { try await store.get("k.png") }
            #expect(error?.code == .refused)
            #expect(error?.status == 404)
            #expect(error?.serviceCode == "NoSuchBucket")
        }
    }

    @Test func hostileKeysAreRefusedBeforeAnyRequest() async throws {
        // No server at all: a refused key never gets as far as a connection.
        let store = S3BlobStore(configuration: S3BlobStore.Configuration(
            endpoint: "http://127.0.0.1:\(try freeLoopbackPort())", bucket: "b-1", region: "us-east-1", accessKeyID: "AK", secretAccessKey: "s"))
        for key in ["../other-bucket/x", "/x", "a//b", "a/./b", "%2e%2e/x", "a?versionId=1", "a#b"] {
            let error = await #expect(throws: BlobStoreError.self) { try await store.get(key) }
            #expect(error?.code == .invalidKey, "\(key)")
        }
    }

    @Test func anUnreachableEndpointIsUnavailable() async throws {
        let endpoint = "http://127.0.0.1:\(try freeLoopbackPort())"
        let store = S3BlobStore(configuration: S3BlobStore.Configuration(
            endpoint: endpoint, bucket: "blobs", region: "us-east-1", accessKeyID: "AKIAEXAMPLE", secretAccessKey: "secret",
            timeout: .seconds(5)))
        let put = await #expect(throws: BlobStoreError.self) { try await store.put("k.png", [1], contentType: "image/png") }
        let get = await #expect(throws: BlobStoreError.self) { try await store.get("k.png") }
        let head = await #expect(throws: BlobStoreError.self) { try await store.head("k.png") }
        for error in [put, get, head] {
            #expect(error?.code == .unavailable)
            #expect(error?.isTransient == true)
            #expect(error?.message.contains(endpoint) == true)
        }
    }

    @Test func aBlobOverTheLimitIsRefusedBeforeAnyRequest() async throws {
        let store = S3BlobStore(configuration: S3BlobStore.Configuration(
            endpoint: "http://127.0.0.1:\(try freeLoopbackPort())", bucket: "blobs", region: "us-east-1", accessKeyID: "AK",
            secretAccessKey: "s", maxBlobSize: 10))
        let error = await #expect(throws: BlobStoreError.self) { try await store.put("k", randomBytes(11), contentType: "image/png") }
        #expect(error?.code == .refused)
    }
}
