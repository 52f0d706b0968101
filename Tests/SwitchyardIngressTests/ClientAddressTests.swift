// IngressRequestContext.text(of:) writes a client's address as NIO's ipAddress does.

import NIOCore
import SwitchyardAPI
import Testing

@Suite struct ClientAddressTests {
    @Test func addressesReadAsNIOWritesThem() throws {
        let addresses = ["0.0.0.0", "127.0.0.1", "255.255.255.255", "10.0.100.9", "192.168.1.20", "1.22.203.4", "100.10.0.99", "::1", "fe80::1:2"]
        for text in addresses {
            let address = try SocketAddress(ipAddress: text, port: 443)
            #expect(IngressRequestContext.text(of: address) == address.ipAddress, "\(text)")
        }
        #expect(IngressRequestContext.text(of: try SocketAddress(ipAddress: "203.0.113.7", port: 1)) == "203.0.113.7")
        #expect(IngressRequestContext.text(of: nil) == "unknown")
        #expect(IngressRequestContext.text(of: try SocketAddress(unixDomainSocketPath: "/tmp/x.sock")) == "unknown")
    }
}
