// JSONValueDecoder against Foundation's JSONDecoder: the same values from the same text, and
// failures that name the same field.

import Foundation
import SwitchyardCore
import Testing

@Suite struct JSONValueDecoderTests {
    enum Colour: String, Codable, Equatable { case red, green }

    struct Item: Codable, Equatable {
        var name: String
        var weight: Double?
    }

    struct Everything: Codable, Equatable {
        var flag: Bool
        var text: String
        var int: Int
        var int8: Int8
        var int16: Int16
        var int32: Int32
        var int64: Int64
        var uint: UInt
        var uint8: UInt8
        var uint16: UInt16
        var uint32: UInt32
        var uint64: UInt64
        var double: Double
        var float: Float
        var missing: String?
        var explicitNull: Int?
        var colour: Colour
        var items: [Item]
        var matrix: [[Int]]
        var optionals: [Int?]
        var tags: [String: [String]]
        var link: URL
        var bytes: Data
        var when: Date
        var nested: [String: Item]
        var anything: JSONValue

        enum CodingKeys: String, CodingKey {
            case flag, text, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, double, float, missing, colour, items
            case matrix, optionals, tags, link, bytes, when, nested, anything
            case explicitNull = "explicit_null"
        }
    }

    private static let everything = #"""
        {"flag": true, "text": "é😀 \"q\"", "int": -42, "int8": -128, "int16": 32767, "int32": -2147483648,
         "int64": 9223372036854775807, "uint": 7, "uint8": 255, "uint16": 65535, "uint32": 4294967295,
         "uint64": 9223372036854775807, "double": 2.5, "float": 0.25, "explicit_null": null, "colour": "green",
         "items": [{"name": "a"}, {"name": "b", "weight": 3}], "matrix": [[1, 2], [], [3]], "optionals": [1, null, 3],
         "tags": {"platforms": ["ios", "web"], "none": []}, "link": "https://example.com/a?b=c", "bytes": "AAEC/w==",
         "when": 12.5, "nested": {"x": {"name": "x", "weight": null}}, "anything": {"k": [1, "two", null, false]}}
        """#

    @Test func everyKindDecodesAsFoundationDecodesIt() throws {
        let text = Array(Self.everything.utf8)
        let ours = try JSONValueDecoder().decode(Everything.self, from: text)
        #expect(ours == (try JSONDecoder().decode(Everything.self, from: Data(text))))
        #expect(ours.uint64 == UInt64(Int64.max) && ours.bytes == Data([0, 1, 2, 255]) && ours.items[1].weight == 3)
        #expect(ours.link.host == "example.com" && ours.when == Date(timeIntervalSinceReferenceDate: 12.5))
    }

    @Test(arguments: [
        (#"{"name": 1}"#, "name: expected a string"),
        (#"{"weight": 1}"#, "missing key 'name'"),
        (#"{"name": null}"#, "name: expected a string"),
        (#"{"name": "a", "weight": "heavy"}"#, "weight: expected a number"),
        (#"[{"name": "a"}]"#, "expected an object"),
    ])
    func failuresNameTheFieldAsFoundationDoes(text: String, expected: String) throws {
        let bytes = Array(text.utf8)
        let ours = #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(Item.self, from: bytes) }
        let theirs = #expect(throws: DecodingError.self) { try JSONDecoder().decode(Item.self, from: Data(bytes)) }
        #expect(ours?.fieldDescription == expected)
        #expect(ours?.fieldDescription == theirs?.fieldDescription, "Foundation agrees")
    }

    @Test func nestedFailuresCarryTheirWholePath() throws {
        let text = Array(#"{"list": [{"name": "a"}, {"name": false}]}"#.utf8)
        struct List: Decodable { var list: [Item] }
        let ours = #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(List.self, from: text) }
        let theirs = #expect(throws: DecodingError.self) { try JSONDecoder().decode(List.self, from: Data(text)) }
        #expect(ours?.fieldDescription == "list[1].name: expected a string")
        #expect(ours?.fieldDescription == theirs?.fieldDescription, "Foundation agrees")
    }

    @Test(arguments: [("3", 3), ("3.0", 3), ("3e0", 3), ("-0", 0)])
    func anIntegerFieldTakesEveryIntegerSpelling(text: String, expected: Int) throws {
        #expect(try JSONValueDecoder().decode(Int.self, from: Array(text.utf8)) == expected)
    }

    @Test(arguments: ["1.5", "\"3\"", "true", "9223372036854775808", "1e300"])
    func anIntegerFieldRefusesWhatIsNotAnIntegerInItsRange(text: String) {
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(Int.self, from: Array(text.utf8)) }
    }

    @Test func unsignedAndNarrowFieldsRefuseValuesOutsideTheirRange() throws {
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(UInt.self, from: Array("-1".utf8)) }
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(UInt8.self, from: Array("256".utf8)) }
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(Int8.self, from: Array("-129".utf8)) }
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(Float.self, from: Array("1e300".utf8)) }
        #expect(try JSONValueDecoder().decode(Float.self, from: Array("1e30".utf8)) == 1e30)
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(Colour.self, from: Array(#""blue""#.utf8)) }
    }

    @Test func aUInt64BeyondInt64IsRefusedWhereFoundationTakesIt() throws {
        // JSONValue holds integers as Int64; a larger one is a Double, which no longer holds it exactly.
        let text = Array("18446744073709551615".utf8)
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(UInt64.self, from: text) }
        #expect(try JSONDecoder().decode(UInt64.self, from: Data(text)) == .max)
    }

    @Test func aURLOrDataThatDoesNotReadNamesItsField() {
        struct Link: Decodable { var link: URL?; var bytes: Data? }
        let url = #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(Link.self, from: Array(#"{"link": ""}"#.utf8)) }
        #expect(url?.fieldDescription == "link: invalid URL")
        let data = #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(Link.self, from: Array(#"{"bytes": "%%"}"#.utf8)) }
        #expect(data?.fieldDescription == "bytes: expected base64")
    }

    @Test func textThatIsNotJSONSaysWhereItStops() {
        let error = #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(Item.self, from: Array(#"{"name": "a",}"#.utf8)) }
        #expect(error?.fieldDescription.hasPrefix("not JSON: ") == true, "\(String(describing: error))")
        #expect(error?.fieldDescription.contains("line 1") == true, "\(String(describing: error))")
    }
}
