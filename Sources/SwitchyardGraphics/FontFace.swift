// One TrueType font opened by FreeType (its own FT_Library and FT_Face) at one pixel size at a
// time: line metrics, text measured and drawn glyph by glyph with kerning.

import CSwitchyardFreeType
import Foundation

/// A font file opened by FreeType.
///
/// FreeType's library and face objects may be used by one thread at a time, so each face
/// owns its own `FT_Library` and the type is not `Sendable`: a ``SlideRasterizer`` creates
/// its faces on its own thread, uses them only there and releases them there (in its
/// isolated deinit), which frees the C objects on that thread.
///
/// Text is drawn one Unicode scalar at a time with the font's horizontal metrics and 'kern'
/// table (no shaping); scalars the font has no glyph for are skipped.
final class FontFace {
    /// The font file.
    let path: String
    /// The current size: the em height in pixels.
    private(set) var pixelSize: Int
    private let library: FT_Library
    private let face: FT_Face
    private let hasKerning: Bool

    /// Opens a font file.
    /// - Parameters:
    ///   - path: A TrueType or OpenType file.
    ///   - pixelSize: The em height in pixels.
    /// - Throws: ``GraphicsError/Code/fontNotFound`` when there is no file at `path`,
    ///   ``GraphicsError/Code/fontLoadFailed`` with FreeType's error when FreeType can't open it.
    init(path: String, pixelSize: Int) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw GraphicsError(.fontNotFound, "font file not found: \(path) (Debian: apt-get install fonts-dejavu-core)")
        }
        var library: FT_Library?
        let initialized = FT_Init_FreeType(&library)
        guard initialized == 0, let library else {
            throw GraphicsError(.fontLoadFailed, "FreeType could not start: \(Self.text(of: initialized))", libraryStatus: initialized)
        }
        var face: FT_Face?
        let opened = FT_New_Face(library, path, 0, &face)
        guard opened == 0, let face else {
            FT_Done_FreeType(library)
            throw GraphicsError(.fontLoadFailed, "FreeType could not open \(path): \(Self.text(of: opened))", libraryStatus: opened)
        }
        self.path = path
        self.library = library
        self.face = face
        self.pixelSize = 0
        hasKerning = sy_ft_has_kerning(face) != 0
        try setPixelSize(pixelSize)
    }

    deinit {
        FT_Done_Face(face)
        FT_Done_FreeType(library)
    }

    /// Sets the em height in pixels for what follows.
    /// - Parameter size: Pixels per em, at least 1.
    /// - Throws: ``GraphicsError/Code/fontLoadFailed`` when FreeType refuses the size.
    func setPixelSize(_ size: Int) throws {
        guard size != pixelSize else { return }
        let status = FT_Set_Pixel_Sizes(face, 0, FT_UInt(max(size, 1)))
        guard status == 0 else {
            throw GraphicsError(.fontLoadFailed, "FreeType could not set \(path) to \(size) px: \(Self.text(of: status))", libraryStatus: status)
        }
        pixelSize = size
    }

    /// How far the tallest glyphs reach above the baseline, in pixels (at the current size).
    var ascender: Int {
        Self.pixels(face.pointee.size.pointee.metrics.ascender)
    }

    /// The font's distance from one baseline to the next, in pixels (at the current size).
    var lineHeight: Int {
        Self.pixels(face.pointee.size.pointee.metrics.height)
    }

    /// The advance width of a line of text: where the pen ends, in pixels.
    /// - Parameter text: One line; scalars without a glyph are skipped.
    /// - Throws: ``GraphicsError/Code/glyphFailed`` when FreeType can't load a glyph.
    func width(of text: String) throws -> Int {
        Self.pixels(try forEachGlyph(in: text, flags: SY_FT_LOAD_DEFAULT) { _, _ in })
    }

    /// Draws a line of text.
    /// - Parameters:
    ///   - text: One line; scalars without a glyph are skipped.
    ///   - canvas: Where to draw (clipped to it).
    ///   - x: The pen's starting position.
    ///   - baseline: The baseline's row.
    ///   - color: The ink.
    /// - Throws: ``GraphicsError/Code/glyphFailed`` when FreeType can't load or render a glyph.
    func draw(_ text: String, into canvas: inout Canvas, x: Int, baseline: Int, color: RGBColor) throws {
        try forEachGlyph(in: text, flags: SY_FT_LOAD_RENDER) { slot, pen in
            let bitmap = slot.pointee.bitmap
            guard bitmap.width > 0, bitmap.rows > 0, let buffer = bitmap.buffer else { return }  // a space
            guard UInt32(bitmap.pixel_mode) == FT_PIXEL_MODE_GRAY.rawValue, bitmap.pitch >= Int32(bitmap.width) else {
                throw GraphicsError(.glyphFailed, "FreeType rendered a glyph of \(path) in an unexpected bitmap format (pixel mode \(bitmap.pixel_mode))")
            }
            canvas.blend(
                coverage: buffer, width: Int(bitmap.width), rows: Int(bitmap.rows), pitch: Int(bitmap.pitch),
                x: x + Self.pixels(pen) + Int(slot.pointee.bitmap_left), y: baseline - Int(slot.pointee.bitmap_top), color: color)
        }
    }

    /// Loads each glyph of `text` in turn and hands it to `body` with the pen position (26.6
    /// fixed point) it is drawn at; returns the pen position after the last glyph.
    @discardableResult
    private func forEachGlyph(in text: String, flags: FT_Int32, _ body: (FT_GlyphSlot, Int) throws -> Void) throws -> Int {
        var pen = 0
        var previous: FT_UInt = 0
        for scalar in text.unicodeScalars {
            let index = FT_Get_Char_Index(face, FT_ULong(scalar.value))
            guard index != 0 else { continue }
            if hasKerning && previous != 0 {
                var kerning = FT_Vector()
                if FT_Get_Kerning(face, previous, index, FT_KERNING_DEFAULT.rawValue, &kerning) == 0 {
                    pen += kerning.x
                }
            }
            let status = FT_Load_Glyph(face, index, flags)
            guard status == 0 else {
                let code = String(scalar.value, radix: 16, uppercase: true)
                throw GraphicsError(
                    .glyphFailed, "FreeType could not load the glyph of U+\(code) from \(path): \(Self.text(of: status))", libraryStatus: status)
            }
            try body(face.pointee.glyph, pen)
            pen += face.pointee.glyph.pointee.advance.x
            previous = index
        }
        return pen
    }

    /// 26.6 fixed point (1/64 pixel) to whole pixels, rounded.
    private static func pixels(_ value: FT_Pos) -> Int {
        Int((value + 32) >> 6)
    }

    /// FreeType's description of an error.
    private static func text(of error: FT_Error) -> String {
        String(cString: sy_ft_error_text(error))
    }
}
