// Every supported type goes to the server as a parameter and comes back decoded; NULL, bytea,
// unicode, timestamps; decoding errors name the column and the types.

import Foundation
import SwitchyardPostgres
import Testing

@Suite struct DecodingTests {
    /// Sends `value` as `$1`, reads it back as a `T` and checks the server typed it `type`.
    private func roundTrip<T: PostgresEncodable & PostgresDecodable>(
        _ value: T,
        as type: PostgresDataType,
        on connection: PostgresConnection
    ) async throws -> T {
        let rows = try await connection.query("SELECT $1", [value])
        #expect(rows.columns[0].type == type)
        return try rows[0].decode(T.self, at: 0)
    }

    @Test func integersRoundTrip() async throws {
        let connection = try await TestDatabase.connect()
        for value in [Int.min, -1, 0, 42, Int.max] {
            #expect(try await roundTrip(value, as: .int8, on: connection) == value)
        }
        for value in [Int32.min, -1, 0, Int32.max] {
            #expect(try await roundTrip(value, as: .int4, on: connection) == value)
        }
        for value in [Int64.min, 0, Int64.max] {
            #expect(try await roundTrip(value, as: .int8, on: connection) == value)
        }
        let narrow = try await connection.query("SELECT 7::int2, 8::int4")
        #expect(try narrow[0].decode(Int.self, at: 0) == 7)
        #expect(try narrow[0].decode(Int64.self, at: 1) == 8)
        await connection.close()
    }

    @Test func textRoundTripsUnicode() async throws {
        let connection = try await TestDatabase.connect()
        let text = "héllo wörld ✓ 日本語 🚀 e\u{301} \"quoted\" 'single' \\ back\\slash\nnew line"

        let rows = try await connection.query("SELECT $1::text, length($1::text)", [text])

        #expect(try rows[0].decode(String.self, at: 0) == text)
        #expect(try rows[0].decode(Int.self, at: 1) == text.unicodeScalars.count)
        #expect(try await roundTrip("", as: .text, on: connection) == "")
        await connection.close()
    }

    @Test func boolsRoundTrip() async throws {
        let connection = try await TestDatabase.connect()
        #expect(try await roundTrip(true, as: .bool, on: connection) == true)
        #expect(try await roundTrip(false, as: .bool, on: connection) == false)
        await connection.close()
    }

    @Test func doublesRoundTripExactly() async throws {
        let connection = try await TestDatabase.connect()
        let values: [Double] = [0, -1.5, .pi, 1e-300, 1e300, 0.1 + 0.2, .greatestFiniteMagnitude, .infinity, -.infinity]
        for value in values {
            #expect(try await roundTrip(value, as: .float8, on: connection) == value)
        }
        #expect(try await roundTrip(Double.nan, as: .float8, on: connection).isNaN)
        let numeric = try await connection.query("SELECT 12.25::numeric, 3::int4")
        #expect(try numeric[0].decode(Double.self, at: 0) == 12.25)
        #expect(try numeric[0].decode(Double.self, at: 1) == 3)
        await connection.close()
    }

    @Test func byteaRoundTripsAllByteValues() async throws {
        let connection = try await TestDatabase.connect()
        let bytes = (0...255).map(UInt8.init) + [0, 0, 255]

        let rows = try await connection.query("SELECT $1, length($1), get_byte($1, 0), get_byte($1, 255)", [bytes])

        #expect(rows.columns[0].type == .bytea)
        #expect(try rows[0].decode([UInt8].self, at: 0) == bytes)
        #expect(try rows[0].decode(Int.self, at: 1) == bytes.count)
        #expect(try rows[0].decode(Int.self, at: 2) == 0)
        #expect(try rows[0].decode(Int.self, at: 3) == 255)
        #expect(try await roundTrip([UInt8](), as: .bytea, on: connection) == [])
        await connection.close()
    }

    @Test func uuidsRoundTrip() async throws {
        let connection = try await TestDatabase.connect()
        let id = UUID()

        #expect(try await roundTrip(id, as: .uuid, on: connection) == id)
        let text = try await connection.query("SELECT $1::text", [id])[0].decode(String.self, at: 0)
        #expect(text == id.uuidString.lowercased())
        await connection.close()
    }

    @Test func timestampsRoundTripWithMicroseconds() async throws {
        let connection = try await TestDatabase.connect()
        // 2024-05-06T07:08:09.123456Z
        let date = Date(timeIntervalSince1970: 1_714_979_289.123456)

        #expect(date.postgresText == "2024-05-06T07:08:09.123456Z")
        let rows = try await connection.query("SELECT $1, $1 = '2024-05-06 07:08:09.123456+00'::timestamptz", [date])
        #expect(rows.columns[0].type == .timestamptz)
        #expect(abs(try rows[0].decode(Date.self, at: 0).timeIntervalSince(date)) < 0.000_001)
        #expect(try rows[0].decode(Bool.self, at: 1))
        for date in [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -1_000_000_000.5), Date(timeIntervalSince1970: 4_102_444_800.000001)] {
            #expect(abs(try await roundTrip(date, as: .timestamptz, on: connection).timeIntervalSince(date)) < 0.000_001)
        }
        await connection.close()
    }

    @Test func timestampsDecodeWhateverTheSessionTimeZone() async throws {
        let connection = try await TestDatabase.connect()
        try await connection.executeScript("SET TimeZone = 'Asia/Kathmandu'")
        let rows = try await connection.query("""
            SELECT '2024-05-06 07:08:09.5+00'::timestamptz, '2024-05-06 07:08:09'::timestamp,
                   '1850-01-01 00:00:00+00'::timestamptz, '0044-03-15 12:00:00+00 BC'::timestamptz
            """)

        #expect(try rows[0].decode(Date.self, at: 0) == Date(timeIntervalSince1970: 1_714_979_289.5))
        #expect(try rows[0].decode(Date.self, at: 1) == Date(timeIntervalSince1970: 1_714_979_289))
        #expect(try rows[0].decode(Date.self, at: 2) == Date(timeIntervalSince1970: -3_786_825_600))
        let idesOfMarch = try rows[0].decode(Date.self, at: 3)
        let echoed = try await connection.query("SELECT $1 = '0044-03-15 12:00:00+00 BC'::timestamptz", [idesOfMarch])
        #expect(try echoed[0].decode(Bool.self, at: 0))
        await connection.close()
    }

    @Test func nullsDecodeAsNilForEveryType() async throws {
        let connection = try await TestDatabase.connect()
        let rows = try await connection.query(
            "SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9",
            [String?.none, Int?.none, Int32?.none, Int64?.none, Bool?.none, Double?.none, [UInt8]?.none, Date?.none, UUID?.none]
        )
        let row = rows[0]

        #expect(rows.columns.map(\.type) == [.text, .int8, .int4, .int8, .bool, .float8, .bytea, .timestamptz, .uuid])
        #expect(try row.decode(String?.self, at: 0) == nil)
        #expect(try row.decode(Int?.self, at: 1) == nil)
        #expect(try row.decode(Int32?.self, at: 2) == nil)
        #expect(try row.decode(Int64?.self, at: 3) == nil)
        #expect(try row.decode(Bool?.self, at: 4) == nil)
        #expect(try row.decode(Double?.self, at: 5) == nil)
        #expect(try row.decode([UInt8]?.self, at: 6) == nil)
        #expect(try row.decode(Date?.self, at: 7) == nil)
        #expect(try row.decode(UUID?.self, at: 8) == nil)
        #expect(try await roundTrip(Int?.some(5), as: .int8, on: connection) == 5)
        await connection.close()
    }

    @Test func decodingErrorsNameTheColumnAndTheTypes() async throws {
        let connection = try await TestDatabase.connect()
        let row = try await connection.query("SELECT 'abc'::text AS label, NULL::int4 AS missing, 5000000000::int8 AS big")[0]

        let mismatch = #expect(throws: PostgresError.self) { try row.decode(Int.self, column: "label") }
        #expect(mismatch?.code == .decoding)
        #expect(mismatch?.message == "column \"label\" (index 0): cannot decode text value \"abc\" as Int")

        let null = #expect(throws: PostgresError.self) { try row.decode(Int.self, column: "missing") }
        #expect(null?.message == "column \"missing\" (index 1): cannot decode NULL as Int")

        let overflow = #expect(throws: PostgresError.self) { try row.decode(Int32.self, at: 2) }
        #expect(overflow?.message == "column \"big\" (index 2): cannot decode int8 value \"5000000000\" as Int32")

        let unknown = #expect(throws: PostgresError.self) { try row.decode(String.self, column: "nope") }
        #expect(unknown?.message == "no column named \"nope\"; the columns are: label, missing, big")

        let outOfRange = #expect(throws: PostgresError.self) { try row.decode(String.self, at: 3) }
        #expect(outOfRange?.code == .decoding)
        await connection.close()
    }
}
