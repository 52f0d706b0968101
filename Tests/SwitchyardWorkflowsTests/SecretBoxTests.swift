// Secrets sealed at rest: AES-GCM under SWITCHYARD_SECRETS_KEY, bound to their owner.

import SwitchyardCore
import SwitchyardProviders
import Testing

struct SecretBoxTests {
    let key = String(repeating: "ab", count: 32)

    @Test func aSealedSecretOpensOnlyForItsOwnerWithTheSameKey() throws {
        let box = try #require(try SecretBox(environment: ["SWITCHYARD_SECRETS_KEY": key]))
        let sealed = box.seal(Array("s3cret".utf8), owner: "transformer:t/a")
        #expect(!String(decoding: sealed, as: UTF8.self).contains("s3cret"))
        #expect(try box.open(sealed, owner: "transformer:t/a") == Array("s3cret".utf8))
        #expect(throws: SecretBox.OpenError.self) { try box.open(sealed, owner: "transformer:t/b") }
        var damaged = sealed
        damaged[damaged.count - 1] ^= 1
        #expect(throws: SecretBox.OpenError.self) { try box.open(damaged, owner: "transformer:t/a") }
        let other = try #require(try SecretBox(environment: ["SWITCHYARD_SECRETS_KEY": String(repeating: "cd", count: 32)]))
        #expect(throws: SecretBox.OpenError.self) { try other.open(sealed, owner: "transformer:t/a") }
        #expect(box.seal(Array("s3cret".utf8), owner: "o") != box.seal(Array("s3cret".utf8), owner: "o"), "a fresh nonce each time")
    }

    @Test func theKeyIsHexOrBase64AndABadOneNamesTheVariable() throws {
        #expect(try SecretBox(environment: [:]) == nil)
        #expect(try SecretBox(environment: ["SWITCHYARD_SECRETS_KEY": "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA="]) != nil)
        do {
            _ = try SecretBox(environment: ["SWITCHYARD_SECRETS_KEY": "too-short"])
            Issue.record("a short key is refused")
        } catch {
            #expect(error.variable == "SWITCHYARD_SECRETS_KEY")
            #expect(error.problem.contains("32-byte key"))
        }
    }
}
