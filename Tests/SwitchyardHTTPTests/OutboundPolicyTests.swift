// The outbound guard's rules without a network: address classes, CIDR blocks, the allow list.

import SwitchyardHTTP
import Testing

@Suite struct OutboundPolicyTests {
    static let specialAddresses: [(String, IPAddress.SpecialPurpose)] = [
        ("127.0.0.1", .loopback), ("127.255.255.254", .loopback), ("::1", .loopback),
        ("0.0.0.0", .unspecified), ("0.1.2.3", .unspecified), ("::", .unspecified),
        ("10.1.2.3", .privateNetwork), ("172.16.0.1", .privateNetwork), ("172.31.255.255", .privateNetwork),
        ("192.168.1.1", .privateNetwork), ("100.64.0.1", .sharedAddressSpace), ("100.127.255.255", .sharedAddressSpace),
        ("169.254.169.254", .linkLocal), ("169.254.0.1", .linkLocal), ("fe80::1", .linkLocal), ("febf::1", .linkLocal),
        ("fc00::1", .uniqueLocal), ("fd00:ec2::254", .uniqueLocal),
        ("224.0.0.1", .multicast), ("239.255.255.250", .multicast), ("ff02::1", .multicast),
        ("255.255.255.255", .broadcast), ("240.0.0.1", .reserved), ("198.18.0.1", .reserved),
        ("192.0.2.1", .documentation), ("2001:db8::1", .documentation),
        ("2002:7f00:1::1", .reserved), ("2001::1", .reserved), ("::127.0.0.1", .reserved), ("fec0::1", .reserved),
        // IPv4-mapped and NAT64 addresses are judged as the IPv4 address they stand for.
        ("::ffff:127.0.0.1", .loopback), ("::ffff:10.0.0.1", .privateNetwork), ("::ffff:169.254.169.254", .linkLocal),
        ("64:ff9b::7f00:1", .loopback), ("64:ff9b::a9fe:a9fe", .linkLocal),
    ]

    @Test(arguments: specialAddresses)
    func specialPurposeAddressesAreClassified(_ text: String, _ purpose: IPAddress.SpecialPurpose) throws {
        let address = try #require(IPAddress(text))
        #expect(address.specialPurpose == purpose, "\(text)")
        #expect(!OutboundPolicy().allows(address, host: text, port: 80), "\(text) is refused by default")
    }

    @Test(arguments: ["8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "169.255.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"])
    func publicAddressesAreAllowed(_ text: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.specialPurpose == nil)
        #expect(OutboundPolicy().allows(address, host: text, port: 443))
    }

    @Test func addressesParseStrictlyAndPrintCanonically() throws {
        for loose in ["127.1", "0x7f.0.0.1", "2130706433", "017700000001", "[::1]", " 127.0.0.1", "127.0.0.1/8", "localhost", ""] {
            #expect(IPAddress(loose) == nil, "\(loose)")
        }
        #expect(IPAddress("0:0:0:0:0:0:0:1") == IPAddress("::1"))
        #expect(IPAddress("::FFFF:7F00:1")?.description == "::ffff:127.0.0.1")
        #expect(IPAddress("::ffff:127.0.0.1")?.embeddedIPv4 == IPAddress("127.0.0.1"))
        #expect(IPAddress("2001:db8::7f00:1")?.embeddedIPv4 == nil)
        #expect(IPAddress(bytes: [127, 0, 0]) == nil)
        #expect(IPAddress(bytes: [10, 0, 0, 1])?.description == "10.0.0.1")
    }

    @Test func networksClearHostBitsAndContainTheirFamilyOnly() throws {
        let network = try #require(IPNetwork("10.1.2.3/8"))
        #expect(network.description == "10.0.0.0/8")
        #expect(network.contains(try #require(IPAddress("10.255.0.1"))))
        #expect(!network.contains(try #require(IPAddress("11.0.0.1"))))
        #expect(!network.contains(try #require(IPAddress("::ffff:10.0.0.1"))), "another family")
        let uniqueLocal = try #require(IPNetwork("fc00::/7"))
        #expect(uniqueLocal.contains(try #require(IPAddress("fdff::1"))))
        #expect(!uniqueLocal.contains(try #require(IPAddress("fe00::1"))))
        #expect(IPNetwork("0.0.0.0/0")?.contains(try #require(IPAddress("8.8.8.8"))) == true)
        for bad in ["10.0.0.0/33", "::1/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0/8", "10.0.0.0/8/8"] {
            #expect(IPNetwork(bad) == nil, "\(bad)")
        }
    }

    @Test func theAllowListReadsCIDRBlocksAndHostPorts() throws {
        let policy = try OutboundPolicy(allowList: "127.0.0.1/32,10.0.0.0/8, ::1/128 ,,localhost:8080,127.0.0.1:9000,[::1]:7000,")
        #expect(policy.allowedNetworks.map(\.description) == ["127.0.0.1/32", "10.0.0.0/8", "::1/128"])
        #expect(policy.allowedEndpoints.map(\.description) == ["localhost:8080", "127.0.0.1:9000", "[::1]:7000"])
        #expect(policy.description == "127.0.0.1/32,10.0.0.0/8,::1/128,localhost:8080,127.0.0.1:9000,[::1]:7000")
        #expect(try OutboundPolicy(allowList: " , ").description == "none")
    }

    @Test(arguments: ["localhost", "127.0.0.1", "10.0.0.0/33", "::1:8080", "host:0", "host:99999", "host:80x", "ho st:80",
                      ":8080", "[::1]8080", "[localhost]:80", "example.com:", "300.0.0.1/8"])
    func aMalformedEntryIsAnErrorNamingIt(_ entry: String) {
        let error = #expect(throws: OutboundPolicy.InvalidEntry.self) {
            try OutboundPolicy(allowList: "10.0.0.0/8, \(entry) ,localhost:1")
        }
        #expect(error?.entry == entry)
        #expect(error?.description.hasPrefix("'\(entry)': ") == true)
    }

    @Test func anAddressIsAllowedByItsNetworkOrByTheURLsHostAndPort() throws {
        let loopback = try #require(IPAddress("127.0.0.1"))
        let byNetwork = try OutboundPolicy(allowList: "127.0.0.0/8")
        #expect(byNetwork.allows(loopback, host: "anything.example", port: 1))
        #expect(byNetwork.allows(try #require(IPAddress("::ffff:127.0.0.9")), host: "x", port: 1), "mapped: judged as IPv4")
        #expect(!byNetwork.allows(try #require(IPAddress("::1")), host: "x", port: 1))
        #expect(!byNetwork.allows(try #require(IPAddress("10.0.0.1")), host: "x", port: 1))

        let byEndpoint = try OutboundPolicy(allowList: "localhost:8080,[0:0::1]:9000")
        #expect(byEndpoint.allows(loopback, host: "localhost", port: 8080))
        #expect(byEndpoint.allows(loopback, host: "LocalHost.", port: 8080), "case and a trailing dot don't matter")
        #expect(!byEndpoint.allows(loopback, host: "localhost", port: 8081))
        #expect(!byEndpoint.allows(loopback, host: "127.0.0.1", port: 8080), "the endpoint names a host, not its addresses")
        #expect(byEndpoint.allows(try #require(IPAddress("::1")), host: "[::1]", port: 9000), "addresses compare canonically")
        #expect(byEndpoint.allowedEndpoints.last?.description == "[::1]:9000")
        #expect(byEndpoint.allows(try #require(IPAddress("93.184.215.14")), host: "example.com", port: 443), "public")
    }
}
