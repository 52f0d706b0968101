// JSON text to JSONValue and back: SwitchyardCore's own reader and writer, checked against
// Foundation's JSONDecoder (what decided before) and against the RFC where the two differ.

import Foundation
import SwitchyardCore
import Testing

@Suite struct JSONTextTests {
    /// Foundation's reading of the same text, through JSONValue's Codable conformance.
    private func foundation(_ text: [UInt8]) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text))
    }

    @Test func theComplianceSuiteFileReadsAsFoundationReadsIt() throws {
        let text = try [UInt8](Data(contentsOf: ComplianceSuite.file))
        let ours = try JSONValue(parsing: text)
        #expect(ours == (try foundation(text)))
        #expect(ours["tests"]?.array?.count == ComplianceSuite.expectedCount)
    }

    @Test(arguments: [
        ("1", JSONValue.int(1)), ("1.0", .int(1)), ("1e2", .int(100)), ("1E2", .int(100)), ("-0", .int(0)),
        ("-0.0", .int(0)), ("1.5e3", .int(1500)), ("1e-400", .int(0)), ("0.1", .double(0.1)), ("2.5", .double(2.5)),
        ("-9223372036854775808", .int(.min)), ("9223372036854775807", .int(.max)),
        ("9223372036854775808", .double(9_223_372_036_854_775_808)), ("12345678901234567890", .double(12_345_678_901_234_567_168)),
        ("123456789012345678.0", .int(123_456_789_012_345_678)), ("1e19", .double(1e19)), ("4.9e-324", .double(.leastNonzeroMagnitude)),
        (" \t\r\n true \n", .bool(true)), ("false", .bool(false)), ("null", .null), ("\u{FEFF}7", .int(7)),
        (#""a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00\u0000""#, .string("a\"b\\c/d\u{8}\u{C}\n\r\té😀\u{0}")),
        (#""é😀 plain""#, .string("é😀 plain")), ("[]", .array([])), ("{}", .object([:])),
        (#"{"a":[1,{"b":null}],"c":"d"}"#, .object(["a": .array([.int(1), .object(["b": .null])]), "c": .string("d")])),
        (#"{"a":1,"a":2}"#, .object(["a": .int(1)])),
    ] as [(String, JSONValue)])
    func valuesReadAsFoundationReadsThem(text: String, expected: JSONValue) throws {
        let bytes = Array(text.utf8)
        #expect(try JSONValue(parsing: bytes) == expected)
        #expect(try foundation(bytes) == expected, "Foundation agrees")
    }

    @Test(arguments: [
        ("", "unexpected end of text where a value should start", 1, 1),
        ("[1,2,]", "unexpected ']' where a value should start", 1, 6),
        ("{\"a\":1,}", "expected a member name in quotes, got '}'", 1, 8),
        ("{\"a\" 1}", "expected ':' after the member name, got '1'", 1, 6),
        ("[1 2]", "expected ',' or ']' after the element, got '2'", 1, 4),
        ("{\n  \"a\": tru\n}", "unexpected 't' where a value should start", 2, 8),
        ("01", "a number with a leading zero", 1, 2),
        ("1.", "unexpected end of text; expected a digit after the decimal point", 1, 3),
        ("-", "unexpected end of text; expected a digit after '-'", 1, 2),
        ("+1", "unexpected '+' where a value should start", 1, 1),
        ("1e", "unexpected end of text; expected a digit in the exponent", 1, 3),
        ("1E400", "a number beyond the range of a double", 1, 1),
        ("NaN", "unexpected 'N' where a value should start", 1, 1),
        ("1 2", "unexpected text after the value", 1, 3),
        ("\"abc", "unterminated string", 1, 1),
        ("\"a\u{1}b\"", "control character byte 0x1 in a string; escape it", 1, 3),
        (#""\x""#, #"invalid escape \x; use \" \\ \/ \b \f \n \r \t or \uXXXX"#, 1, 2),
        (#""\ud800""#, #"lone surrogate in a \u escape"#, 1, 2),
        (#""\udc00 ""#, #"lone surrogate in a \u escape"#, 1, 2),
        (#""\ud800\u0041""#, #"lone surrogate in a \u escape"#, 1, 2),
        (#""\u12g4""#, #"\u needs four hex digits"#, 1, 2),
    ] as [(String, String, Int, Int)])
    func malformedTextSaysWhatAndWhere(text: String, reason: String, line: Int, column: Int) {
        let error = #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: Array(text.utf8)) }
        #expect(error?.reason == reason)
        #expect(error?.line == line)
        #expect(error?.column == column)
    }

    @Test func invalidUTF8InAStringIsRefused() {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x28, 0x22], [0x22, 0x5C, 0x6E, 0xED, 0xA0, 0x80, 0x22]] {
            let error = #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: bytes) }
            #expect(error?.reason == "a string that is not valid UTF-8")
            #expect((try? foundation(bytes)) == nil, "Foundation refuses it too")
        }
    }

    @Test func nestingStopsAt512WithAnErrorNotACrash() throws {
        func nested(_ depth: Int) -> [UInt8] { Array(repeating: UInt8(ascii: "["), count: depth) + Array(repeating: UInt8(ascii: "]"), count: depth) }
        #expect(try JSONValue(parsing: nested(512)) == (try foundation(nested(512))))
        for depth in [513, 1_000_000] {
            let error = #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: nested(depth)) }
            #expect(error?.reason == "arrays and objects nest deeper than 512")
            #expect(error?.offset == 512)
        }
        let objects = Array(String(repeating: #"{"a":"#, count: 600).utf8)
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: objects) }
    }

    @Test func writtenTextReadsBackAsTheSameValueBothWays() throws {
        let value: JSONValue = [
            "plain": "text", "escapes": "quote \" backslash \\ slash / newline \n tab \t cr \r bell \u{7} nul \u{0} del \u{7F}",
            "unicode": "é 😀 \u{2028}", "numbers": [0, -1, .int(.max), .int(.min), 0.1, 1e20, .double(.leastNonzeroMagnitude), -2.5, 1.7976931348623157e308],
            "nested": ["a": [[], [:], nil, true, false]], "": "empty name",
        ]
        let text = value.jsonBytes
        #expect(try JSONValue(parsing: text) == value)
        #expect(try foundation(text) == value)
        #expect(!text.contains(where: { $0 < 0x20 }), "no raw control characters")
        #expect(value.jsonText == String(decoding: text, as: UTF8.self))
    }

    @Test func everyCharacterIsEscapedAndReadWhereverItFallsInAWord() throws {
        // The writer and the reader look at eight bytes in one step; a character that needs an
        // escape must be found wherever it falls in a word, and none that doesn't may be taken
        // for one.
        func reference(_ string: String) -> String {
            var text = "\""
            for scalar in string.unicodeScalars {
                switch scalar {
                case "\"": text += "\\\""
                case "\\": text += "\\\\"
                case "\n": text += "\\n"
                case "\r": text += "\\r"
                case "\t": text += "\\t"
                case "\u{08}": text += "\\b"
                case "\u{0C}": text += "\\f"
                case let control where control.value < 0x20:
                    text += "\\u00" + (control.value < 0x10 ? "0" : "") + String(control.value, radix: 16)
                default: text.unicodeScalars.append(scalar)
                }
            }
            return text + "\""
        }
        let characters = (0..<0x80).compactMap(Unicode.Scalar.init).map(Character.init)
            + ["\u{80}", "\u{FF}", "é", "\u{2028}", "😀", "\u{10FFFF}"]
        for character in characters {
            for position in 0..<20 {
                for length in [position + 1, position + 1 + 7, 24] where length > position {
                    var string = String(repeating: "a", count: position) + String(character)
                    string += String(repeating: "b", count: max(0, length - position - 1))
                    let place = "\(character.unicodeScalars.first!.value) at \(position)"
                    #expect(JSONValue.string(string).jsonText == reference(string), "\(place)")
                    // The reader finds the same characters with the same scan.
                    #expect(try JSONValue(parsing: Array(reference(string).utf8)) == .string(string), "\(place)")
                    let raw = Array(("\"" + string + "\"").utf8)
                    if character.unicodeScalars.first!.value < 0x20 {
                        #expect(throws: JSONSyntaxError.self, "\(place)") { try JSONValue(parsing: raw) }
                    } else if character != "\"" && character != "\\" {
                        #expect(try JSONValue(parsing: raw) == .string(string), "\(place)")
                    }
                }
            }
        }
        let allOfThem = String(characters.shuffled())
        #expect(JSONValue.string(allOfThem).jsonText == reference(allOfThem))
        #expect(try JSONValue(parsing: JSONValue.string(allOfThem).jsonBytes) == .string(allOfThem))
    }

    @Test func anOrderedObjectKeepsItsOrderAndLeavesOutAbsentMembers() throws {
        var text = Array("[".utf8)
        JSONValue.writeObject(["z": "last \"first\"", "gone": nil, "a": [1, nil], "": .null], into: &text)
        text.append(UInt8(ascii: "]"))
        #expect(String(decoding: text, as: UTF8.self) == #"[{"z":"last \"first\"","a":[1,null],"":null}]"#)
        #expect(try JSONValue(parsing: text) == [["z": "last \"first\"", "a": [1, nil], "": nil]])
    }

    @Test(.timeLimit(.minutes(1))) func theByteCountIsTheWrittenLengthAndStopsPastItsLimit() {
        let values: [JSONValue] = [
            nil, true, false, 0, -1, .int(.max), .int(.min), 0.1, 1e20, -0.0, .double(.nan), 100.0, "", "é 😀 \u{2028}",
            "quote \" backslash \\ newline \n tab \t bell \u{7} nul \u{0} del \u{7F} \u{1F}\u{8}\u{C}\r", [], [:],
            ["a": [[], [:], nil, true, "x"], "": "empty name", "\u{1}": [1, 2.5, ["n": nil]]],
        ]
        for value in values {
            let length = value.jsonBytes.count
            #expect(value.jsonByteCount(upTo: .max) == length, "\(value.jsonText)")
            #expect(value.jsonByteCount(upTo: length) == length, "\(value.jsonText)")
            #expect(value.jsonByteCount(upTo: length - 1) == nil, "\(value.jsonText)")
        }
        // A megabyte string selected 65,536 times is 64 GiB of text in a megabyte of
        // memory: the count stops at its limit (walking it all would pass the time limit).
        let repeated = JSONValue.array(Array(repeating: .string(String(repeating: "x", count: 1 << 20)), count: 1 << 16))
        #expect(repeated.jsonByteCount(upTo: 16 << 20) == nil)
    }

    @Test func writtenNumbersAreCompact() {
        #expect(JSONValue.array([1.5, 100.0, 1e20, -0.0, 0.1, 42]).jsonText == "[1.5,100,1e+20,-0,0.1,42]")
        #expect(JSONValue.array([.double(.nan), .double(.infinity)]).jsonText == "[null,null]", "what JSON can't hold")
        #expect(JSONValue.string("\u{1F}\u{8}\u{C}").jsonText == #""\u001f\b\f""#)
    }
}
