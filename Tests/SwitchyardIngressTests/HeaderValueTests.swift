// HTTPFields.value(of:) gives what HTTPFields' subscript gives, for every shape of header.

import HTTPTypes
import SwitchyardAPI
import Testing

@Suite struct HeaderValueTests {
    @Test func eachShapeOfHeaderReadsAsTheSubscriptReadsIt() throws {
        let id = try #require(HTTPField.Name("webhook-id"))
        let signature = try #require(HTTPField.Name("Webhook-Signature"))
        var fields = HTTPFields()
        fields.append(HTTPField(name: .contentType, value: "application/json"))
        fields.append(HTTPField(name: try #require(HTTPField.Name("WEBHOOK-ID")), value: "msg_1"))
        fields.append(HTTPField(name: signature, value: "v1,AAAA"))
        fields.append(HTTPField(name: .cookie, value: "a=1"))
        fields.append(HTTPField(name: try #require(HTTPField.Name("webhook-signature")), value: "v1,BBBB"))
        fields.append(HTTPField(name: .cookie, value: "b=2"))

        let expected: [(HTTPField.Name, String?)] = [
            (.contentType, "application/json"),
            (id, "msg_1"),
            (signature, "v1,AAAA, v1,BBBB"),
            (.cookie, "a=1; b=2"),
            (.authorization, nil),
        ]
        for (name, value) in expected {
            #expect(fields.value(of: name) == value, "\(name)")
            #expect(fields.value(of: name) == fields[name], "\(name)")
        }
    }

    @Test func aHeaderRepeatedThousandsOfTimesReadsAsTheSubscriptReadsIt() throws {
        let name = try #require(HTTPField.Name("webhook-signature"))
        var fields = HTTPFields()
        for index in 0..<5_000 { fields.append(HTTPField(name: name, value: "v1,\(index)")) }
        let value = try #require(fields.value(of: name))
        #expect(value == fields[name])
        #expect(value.hasPrefix("v1,0, v1,1, ") && value.hasSuffix(", v1,4999"))
    }
}
