// The PNG encoder alone: small canvases encoded by us and decoded by Python's zlib.

@testable import SwitchyardGraphics
import Testing

@Suite struct PNGEncoderTests {
    @Test func aTwoByTwoImageDecodesToItsPixels() throws {
        var canvas = Canvas(width: 2, height: 2, background: RGBColor(r: 255, g: 255, b: 255))
        canvas.fill(x: 1, y: 0, width: 1, height: 1, color: RGBColor(r: 255, g: 0, b: 0))
        canvas.fill(x: 0, y: 1, width: 1, height: 1, color: RGBColor(r: 0, g: 128, b: 0))
        canvas.fill(x: 1, y: 1, width: 1, height: 1, color: RGBColor(r: 1, g: 2, b: 3))
        let bytes = try PNGEncoder().encode(canvas)

        #expect(Array(bytes.prefix(8)) == [137, 80, 78, 71, 13, 10, 26, 10])
        let png = try DecodedPNG.decode(bytes)
        #expect(png.width == 2 && png.height == 2 && png.bitDepth == 8 && png.colorType == 2)
        #expect(png.chunks == ["IHDR", "IDAT", "IEND"])
        #expect(png.pixels == [255, 255, 255, 255, 0, 0, 0, 128, 0, 1, 2, 3])
    }

    @Test(arguments: [Int32(0), 1, 6, 9])
    func aNoisyGradientSurvivesEveryFilterAndCompressionLevel(level: Int32) throws {
        // Gradients, flat areas and noise, so rows pick different filters.
        var canvas = Canvas(width: 61, height: 47, background: RGBColor(r: 10, g: 200, b: 90))
        var seed: UInt32 = 12_345
        for y in 0..<47 {
            for x in 0..<61 where (x / 8 + y / 8) % 3 != 0 {
                seed = seed &* 1_103_515_245 &+ 12_345
                let noise = UInt8(truncatingIfNeeded: seed >> 16) & (y < 20 ? 0x07 : 0xFF)
                canvas.fill(x: x, y: y, width: 1, height: 1, color: RGBColor(r: UInt8(x * 4), g: UInt8(y * 5) &+ noise, b: UInt8((x + y) * 2)))
            }
        }
        let png = try DecodedPNG.decode(try PNGEncoder(compressionLevel: level).encode(canvas))
        #expect(png.width == 61 && png.height == 47)
        #expect(png.pixels == canvas.pixels)
        #expect(png.filters.count > 1, "rows chose different filters: \(png.filters)")
    }

    @Test func coverageBlendsTheColourOverThePixels() {
        var canvas = Canvas(width: 3, height: 1, background: RGBColor(r: 0, g: 0, b: 0))
        let mask: [UInt8] = [0, 128, 255]
        mask.withUnsafeBufferPointer { mask in
            canvas.blend(coverage: mask.baseAddress!, width: 3, rows: 1, pitch: 3, x: 0, y: 0, color: RGBColor(r: 200, g: 100, b: 255))
        }
        #expect(canvas.pixels == [0, 0, 0, 100, 50, 128, 200, 100, 255])
        // Clipped: a mask hanging off the edges paints only what is on the canvas.
        mask.withUnsafeBufferPointer { mask in
            canvas.blend(coverage: mask.baseAddress!, width: 3, rows: 1, pitch: 3, x: 1, y: 0, color: RGBColor(r: 9, g: 9, b: 9))
        }
        #expect(canvas.pixels == [0, 0, 0, 100, 50, 128, 104, 54, 132])
    }
}
