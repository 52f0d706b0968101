// The key rules: what passes, and every hostile form refused as invalidKey.

import SwitchyardBlobStore
import Testing

@Suite struct BlobKeyTests {
    @Test(arguments: ["a", "generations/7f3a/slides/0.png", "A-Z_a.z-0.9", "x/.hidden/y", "..a/b..", String(repeating: "k", count: 200)])
    func validKeysPass(key: String) throws {
        #expect(try BlobKey(key).value == key)
    }

    @Test(arguments: [
        "", "../x", "a/../../x", "/etc/passwd", "a//b", "a/./b", ".", "..", "a/", "%2e%2e/x", "a\u{0}b", "a\\b", "a b", "a~b",
        "é.png", String(repeating: "a", count: 513), String(repeating: "a", count: 600), String(repeating: "a/", count: 300) + "x", String(repeating: "s", count: 201),
    ])
    func hostileKeysAreRefused(key: String) {
        let error = #expect(throws: BlobStoreError.self) { try BlobKey(key) }
        #expect(error?.code == .invalidKey)
    }

    @Test func aRefusalSaysWhichRule() {
        let error = #expect(throws: BlobStoreError.self) { try BlobKey("a/../b") }
        #expect(error?.message.contains("'..' segment") == true)
        #expect(error?.isTransient == false)
    }
}
