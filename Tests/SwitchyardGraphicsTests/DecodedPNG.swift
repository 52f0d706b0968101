// A PNG decoded by decode_png.py (Python's zlib and struct, nothing of ours): header, chunks,
// filters and pixels, for the tests to inspect.

import Foundation
import SwitchyardGraphics
import Testing

/// A PNG file decoded independently of the encoder under test.
struct DecodedPNG: Decodable {
    let width: Int
    let height: Int
    let bitDepth: Int
    let colorType: Int
    /// Chunk types in file order.
    let chunks: [String]
    /// Rows per filter type ("0" ... "4").
    let filters: [String: Int]
    /// The pixels as the decoder wrote them: RGB, row by row from the top (colour type 2).
    var pixels: [UInt8] = []

    private enum CodingKeys: String, CodingKey {
        case width, height, bitDepth = "bit_depth", colorType = "color_type", chunks, filters
    }

    /// Runs decode_png.py on the bytes; fails the test with the decoder's message if it refuses them.
    static func decode(_ bytes: [UInt8]) throws -> DecodedPNG {
        let directory = FileManager.default.temporaryDirectory.appending(path: "switchyard-png-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let image = directory.appending(path: "image.png"), raw = directory.appending(path: "pixels.raw")
        try Data(bytes).write(to: image)

        let script = try #require(Bundle.module.url(forResource: "decode_png", withExtension: "py"))
        let process = Process()
        process.executableURL = URL(filePath: "/usr/bin/env")
        process.arguments = [ProcessInfo.processInfo.environment["SWITCHYARD_TEST_PYTHON"] ?? "python3", script.path, image.path, raw.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "decode_png.py refused the image: \(String(decoding: text, as: UTF8.self))")

        var decoded = try JSONDecoder().decode(DecodedPNG.self, from: text)
        decoded.pixels = Array(try Data(contentsOf: raw))
        return decoded
    }

    /// The colour at a pixel (colour type 2).
    subscript(x: Int, y: Int) -> RGBColor {
        let offset = (y * width + x) * 3
        return RGBColor(r: pixels[offset], g: pixels[offset + 1], b: pixels[offset + 2])
    }

    /// How many pixels of a rectangle satisfy a condition.
    func count(x: Range<Int>, y: Range<Int>, where condition: (RGBColor) -> Bool) -> Int {
        var count = 0
        for row in y {
            for column in x where condition(self[column, row]) {
                count += 1
            }
        }
        return count
    }
}
