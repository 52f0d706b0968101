// The file store: round trips, atomic replacement, and keys that never leave its folder.

import Foundation
import SwitchyardBlobStore
import Testing

@Suite struct FileBlobStoreTests {
    /// A fresh folder for one test, with the store's folder `root` inside it (not created), so
    /// that anything written beside the root shows up in `base`.
    struct Sandbox: ~Copyable {
        let base: String
        var root: String { base + "/root" }

        init() throws {
            base = FileManager.default.temporaryDirectory.appending(path: "switchyard-blobs-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: false)
        }

        deinit {
            try? FileManager.default.removeItem(atPath: base)
        }

        /// Every file and folder under `base`, relative to it, sorted.
        func contents() throws -> [String] {
            try FileManager.default.subpathsOfDirectory(atPath: base).sorted()
        }
    }

    @Test func putGetHeadRoundTrip() async throws {
        let sandbox = try Sandbox()
        let store = FileBlobStore(root: sandbox.root)
        let bytes = randomBytes(300_000)
        try await store.put("generations/g1/slides/0.png", bytes, contentType: "image/png")
        #expect(try await store.get("generations/g1/slides/0.png") == Blob(bytes: bytes, contentType: "image/png"))
        #expect(try await store.head("generations/g1/slides/0.png") == BlobInfo(size: 300_000, contentType: "image/png"))
        try await store.put("empty", [], contentType: "text/plain; charset=utf-8")
        #expect(try await store.get("empty") == Blob(bytes: [], contentType: "text/plain; charset=utf-8"))
        #expect(store.description == "file://\(sandbox.root)")
        #expect(try sandbox.contents() == [
            "root", "root/empty", "root/empty~meta", "root/generations", "root/generations/g1", "root/generations/g1/slides",
            "root/generations/g1/slides/0.png",
        ], "a PNG under a .png name needs no metadata file")
    }

    @Test func missingKeysAreNilAndReadsCreateNothing() async throws {
        let sandbox = try Sandbox()
        let store = FileBlobStore(root: sandbox.root)
        #expect(try await store.get("nothing/here.png") == nil)
        #expect(try await store.head("nothing/here.png") == nil)
        #expect(try sandbox.contents().isEmpty)
        try await store.put("a/b/c.png", [1], contentType: "image/png")
        #expect(try await store.get("a/b") == nil, "a folder of other keys is no blob")
        #expect(try await store.head("a/b/c.png/d") == nil)
    }

    @Test func overwriteReplacesTheBlobAndLeavesNoTemporaryFile() async throws {
        let sandbox = try Sandbox()
        let store = FileBlobStore(root: sandbox.root)
        try await store.put("k/slide.png", randomBytes(100_000), contentType: "image/png")
        let last = randomBytes(5_000)
        try await store.put("k/slide.png", last, contentType: "image/webp")
        #expect(try await store.get("k/slide.png") == Blob(bytes: last, contentType: "image/webp"))
        #expect(try sandbox.contents() == ["root", "root/k", "root/k/slide.png", "root/k/slide.png~meta"])
        try await store.put("k/slide.png", [7], contentType: "image/png")
        #expect(try await store.get("k/slide.png") == Blob(bytes: [7], contentType: "image/png"))
        #expect(try sandbox.contents() == ["root", "root/k", "root/k/slide.png"], "the earlier type's metadata file is gone")
    }

    @Test func concurrentWritersOfOneKeyLeaveOneWholeBlob() async throws {
        let sandbox = try Sandbox()
        let store = FileBlobStore(root: sandbox.root)
        let blobs = (0..<8).map { randomBytes(50_000 + $0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for bytes in blobs {
                group.addTask { try await store.put("same.png", bytes, contentType: "image/png") }
            }
            try await group.waitForAll()
        }
        let stored = try #require(try await store.get("same.png"))
        #expect(blobs.contains(stored.bytes))
        #expect(try sandbox.contents() == ["root", "root/same.png"])
    }

    @Test func hostileKeysAreRefusedAndNothingIsWrittenOutsideTheRoot() async throws {
        let sandbox = try Sandbox()
        let store = FileBlobStore(root: sandbox.root)
        let hostile = ["../x", "../../x", "/etc/passwd", "a//b", "a/./b", "%2e%2e/x", "a\u{0}b", String(repeating: "a", count: 600), ""]
        for key in hostile {
            let put = await #expect(throws: BlobStoreError.self) { try await store.put(key, [1, 2, 3], contentType: "image/png") }
            #expect(put?.code == .invalidKey, "put \(key.debugDescription)")
            let get = await #expect(throws: BlobStoreError.self) { try await store.get(key) }
            #expect(get?.code == .invalidKey, "get \(key.debugDescription)")
            let head = await #expect(throws: BlobStoreError.self) { try await store.head(key) }
            #expect(head?.code == .invalidKey, "head \(key.debugDescription)")
        }
        #expect(try sandbox.contents().isEmpty, "not even the root was created")
    }

    @Test func symbolicLinksNeverLeadOutOfTheRoot() async throws {
        let sandbox = try Sandbox()
        let store = FileBlobStore(root: sandbox.root)
        try await store.put("inside.png", [1], contentType: "image/png")
        let outside = sandbox.base + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: false)
        try Data("secret".utf8).write(to: URL(filePath: outside + "/secret.txt"))
        try FileManager.default.createSymbolicLink(atPath: sandbox.root + "/escape", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: sandbox.root + "/link.txt", withDestinationPath: outside + "/secret.txt")

        let put = await #expect(throws: BlobStoreError.self) { try await store.put("escape/x.png", [9], contentType: "image/png") }
        #expect(put?.code == .refused)
        #expect(put?.message.contains("outside the store's folder") == true)
        let nested = await #expect(throws: BlobStoreError.self) { try await store.put("escape/sub/x.png", [9], contentType: "image/png") }
        #expect(nested?.code == .refused, "no folder is created through the link either")
        let get = await #expect(throws: BlobStoreError.self) { try await store.get("escape/secret.txt") }
        #expect(get?.code == .refused)
        let link = await #expect(throws: BlobStoreError.self) { try await store.get("link.txt") }
        #expect(link?.code == .refused, "a blob file is never opened through a link")
        // A put replaces the link itself (rename), never the file it points to.
        try await store.put("link.txt", Array("mine".utf8), contentType: "text/plain")
        #expect(try String(contentsOfFile: outside + "/secret.txt", encoding: .utf8) == "secret")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside) == ["secret.txt"])
        #expect(try await store.get("link.txt")?.bytes == Array("mine".utf8))
    }

    @Test func aKeyThatIsBothBlobAndFolderIsRefused() async throws {
        let sandbox = try Sandbox()
        let store = FileBlobStore(root: sandbox.root)
        try await store.put("a/b", [1], contentType: "image/png")
        let under = await #expect(throws: BlobStoreError.self) { try await store.put("a/b/c", [2], contentType: "image/png") }
        #expect(under?.code == .refused)
        #expect(under?.systemError != nil)
        let over = await #expect(throws: BlobStoreError.self) { try await store.put("a", [3], contentType: "image/png") }
        #expect(over?.code == .refused)
        #expect(try sandbox.contents() == ["root", "root/a", "root/a/b", "root/a/b~meta"], "no temporary file left behind")
    }

    @Test func contentTypesThatDontFitAHeaderAreRefused() async throws {
        let sandbox = try Sandbox()
        let store = FileBlobStore(root: sandbox.root)
        for contentType in ["", "image/png\r\nX-Evil: 1", String(repeating: "x", count: 256), " image/png", "bild/ä"] {
            let error = await #expect(throws: BlobStoreError.self) { try await store.put("k", [1], contentType: contentType) }
            #expect(error?.code == .invalidContentType)
        }
        #expect(try sandbox.contents().isEmpty)
    }

    @Test func aBlobWithoutItsMetadataHasTheTypeItsNameImpliesOrOctetStream() async throws {
        let sandbox = try Sandbox()
        let store = FileBlobStore(root: sandbox.root)
        try await store.put("k.bin", [1, 2], contentType: "application/x-thing")
        try FileManager.default.removeItem(atPath: sandbox.root + "/k.bin~meta")
        #expect(try await store.get("k.bin") == Blob(bytes: [1, 2], contentType: "application/octet-stream"))
        try await store.put("k.jpg", [3], contentType: "image/png")
        try FileManager.default.removeItem(atPath: sandbox.root + "/k.jpg~meta")
        #expect(try await store.head("k.jpg") == BlobInfo(size: 1, contentType: "image/jpeg"))
    }

    @Test func aTypeTheNameImpliesIsKeptWithoutAMetadataFile() async throws {
        let sandbox = try Sandbox()
        let store = FileBlobStore(root: sandbox.root)
        let implied = ["a.png": "image/png", "b.jpg": "image/jpeg", "c.jpeg": "image/jpeg", "d.webp": "image/webp", "e.gif": "image/gif",
                       "f.json": "application/json"]
        for (key, contentType) in implied {
            try await store.put(key, [1], contentType: contentType)
            #expect(try await store.get(key) == Blob(bytes: [1], contentType: contentType))
        }
        try await store.put("g.PNG", [1], contentType: "image/png")
        try await store.put("h.png", [1], contentType: "image/png; charset=x")
        #expect(try await store.get("h.png")?.contentType == "image/png; charset=x")
        #expect(try sandbox.contents() == ["root"] + implied.keys.sorted().map { "root/" + $0 }
            + ["root/g.PNG", "root/g.PNG~meta", "root/h.png", "root/h.png~meta"])
    }
}

/// `count` random bytes.
func randomBytes(_ count: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    var words = (0..<(count + 7) / 8).map { _ in generator.next() as UInt64 }
    return words.withUnsafeMutableBytes { Array($0.prefix(count)) }
}
