// Fonts and text layout: glyph metrics and kerning from FreeType, wrapping, ellipsis, alignment.

import Foundation
@testable import SwitchyardGraphics
import Testing

/// These tests call FreeType on the test's own thread: the faces never leave it.
@Suite struct TextLayoutTests {
    static let regular = SlideRenderer.defaultFontDirectory + "/DejaVuSans.ttf"

    @Test func kerningPullsPairsTogetherAndUnknownScalarsAreSkipped() throws {
        let face = try FontFace(path: Self.regular, pixelSize: 40)
        #expect(try face.width(of: "AV") < (try face.width(of: "A")) + (try face.width(of: "V")))
        #expect(try face.width(of: "a\u{E000}b") == (try face.width(of: "ab")), "a private-use scalar has no glyph")
        #expect(try face.width(of: "") == 0)
        try face.setPixelSize(80)
        #expect(try face.width(of: "Hello") > 150)
        #expect(face.ascender > 60 && face.lineHeight > face.ascender)
    }

    @Test func linesStayWithinTheColumnAndKeepEveryWord() throws {
        let face = try FontFace(path: Self.regular, pixelSize: 42)
        let text = "Ship small batches behind feature flags, watch the dashboards, and roll back in one click when a number moves."
        let layout = try TextLayout(text, face: face, width: 500, maxLines: 10)
        #expect(layout.lines.count > 2 && !layout.isTruncated)
        for line in layout.lines {
            #expect(try face.width(of: line) <= 500, "'\(line)'")
        }
        #expect(layout.lines.joined(separator: " ") == text)
    }

    @Test func tooManyLinesEndInAnEllipsisWithinTheColumn() throws {
        let face = try FontFace(path: Self.regular, pixelSize: 42)
        let layout = try TextLayout(String(repeating: "words upon words ", count: 200), face: face, width: 500, maxLines: 3)
        #expect(layout.isTruncated && layout.lines.count == 3)
        #expect(layout.lines.last?.hasSuffix("…") == true)
        #expect(try face.width(of: layout.lines[2]) <= 500)
    }

    @Test func aWordWiderThanTheColumnBreaksBetweenCharacters() throws {
        let face = try FontFace(path: Self.regular, pixelSize: 42)
        let word = String(repeating: "Donaudampfschifffahrt", count: 3)
        let layout = try TextLayout("A \(word) b", face: face, width: 300, maxLines: 20)
        #expect(layout.lines.first == "A")
        #expect(layout.lines.count > 3)
        #expect(layout.lines.dropFirst().joined().hasPrefix(word))
        for line in layout.lines {
            #expect(try face.width(of: line) <= 300, "'\(line)'")
        }
    }

    @Test func blankLinesSeparateParagraphsAndLineBreaksAreKept() throws {
        let face = try FontFace(path: Self.regular, pixelSize: 42)
        let layout = try TextLayout("\n  One\r\ntwo\n\n\n three  \n\n", face: face, width: 800, maxLines: 10)
        #expect(layout.lines == ["One", "two", "", "three"])
        #expect(try TextLayout("   \n ", face: face, width: 800, maxLines: 3).lines.isEmpty)
        let cut = try TextLayout("one\n\ntwo", face: face, width: 800, maxLines: 2)
        #expect(cut.lines == ["one…"] && cut.isTruncated)
    }

    @Test func centredLinesSitInTheMiddleOfTheColumn() throws {
        let face = try FontFace(path: Self.regular, pixelSize: 40)
        let layout = try TextLayout("Hi", face: face, width: 400, maxLines: 1)
        let background = RGBColor(r: 0, g: 0, b: 0)
        var centred = Canvas(width: 400, height: 60, background: background)
        try layout.draw(
            into: &centred, face: face, x: 0, width: 400, firstBaseline: 45, lineHeight: 50, alignment: .center, color: .white)
        var leading = Canvas(width: 400, height: 60, background: background)
        try layout.draw(
            into: &leading, face: face, x: 0, width: 400, firstBaseline: 45, lineHeight: 50, alignment: .leading, color: .white)
        #expect(Self.inkColumns(centred).lowerBound > 150 && Self.inkColumns(centred).upperBound < 250)
        #expect(Self.inkColumns(leading).lowerBound < 10)
    }

    @Test func aMissingFontFileIsAnErrorNamingItsPath() throws {
        let error = #expect(throws: GraphicsError.self) { try FontFace(path: "/nonexistent/Font.ttf", pixelSize: 20) }
        #expect(error?.code == .fontNotFound)
        #expect(error?.message.contains("/nonexistent/Font.ttf") == true)
    }

    /// The leftmost and rightmost columns with any ink.
    private static func inkColumns(_ canvas: Canvas) -> ClosedRange<Int> {
        var columns: [Int] = []
        for x in 0..<canvas.width {
            for y in 0..<canvas.height where canvas.pixels[(y * canvas.width + x) * 3] != 0 {
                columns.append(x)
                break
            }
        }
        return (columns.min() ?? 0)...(columns.max() ?? 0)
    }
}
