// What a guarded transfer is pinned to: the addresses checked, as CURLOPT_RESOLVE entries.

@testable import SwitchyardHTTP
import Testing

@Suite struct OutboundPinTests {
    @Test func aHostNameIsPinnedToTheAddressesThatWereCheckedAndUnpinnedAfterwards() throws {
        let policy = try OutboundPolicy(allowList: "localhost:8080")
        let pin = try OutboundPin(resolving: OutboundURL(checking: "http://localhost:8080/t"), policy: policy)
        #expect(pin.addresses.contains(try #require(IPAddress("127.0.0.1"))))
        let list = pin.addresses.map { $0.isIPv4 ? "\($0)" : "[\($0)]" }.joined(separator: ",")
        #expect(pin.resolveEntry == "localhost:8080:\(list)")
        #expect(pin.removalEntry == "-localhost:8080")
    }

    @Test func numericHostsArePinnedAsLibcurlNormalisesThem() throws {
        let target = try OutboundURL(checking: "http://0x7f.1:9000/a?b#c")
        #expect(target.url == "http://127.0.0.1:9000/a?b#c")
        #expect(target.host == "127.0.0.1" && target.port == 9000)
        let pin = try OutboundPin(resolving: target, policy: OutboundPolicy(allowList: "127.0.0.1:9000"))
        #expect(pin.resolveEntry == "127.0.0.1:9000:127.0.0.1")
    }

    @Test func anIPv6LiteralNeedsNoLookupAndNoPin() throws {
        let target = try OutboundURL(checking: "https://[::1]/")
        #expect(target.port == 443 && target.lookupName == "::1")
        let pin = try OutboundPin(resolving: target, policy: OutboundPolicy(allowList: "::1/128"))
        #expect(pin.addresses == [try #require(IPAddress("::1"))])
        #expect(pin.resolveEntry == nil && pin.removalEntry == nil)
    }
}
