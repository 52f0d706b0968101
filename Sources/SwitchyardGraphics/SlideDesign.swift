// The look of a slide: a 1080×1080 square in the background colour, an accent band along the
// top, the title in bold with an accent rule under it, the body below, "n / N" bottom right.

import Foundation

/// Draws slides in one fixed design with a bold face (titles) and a regular one (body, page
/// numbers). Text is drawn in the background's ``RGBColor/contrastingText``.
///
/// Every measurement is in pixels from the top-left corner. The title takes the largest of
/// ``titleSizes`` at which it fits in ``titleMaxLines`` lines, else ``smallestTitleSize``,
/// shortened with "…"; the body fills the space down to the footer and is shortened the same way.
struct SlideDesign {
    /// Width and height of every slide.
    static let size = 1080
    /// The space left and right of the text column, and under the footer.
    static let margin = 96
    /// The height of the accent band along the top edge.
    static let bandHeight = 20
    /// Where the title's first line box starts.
    static let titleTop = 150
    /// Title sizes (pixels per em), tried largest first, before ``smallestTitleSize``.
    static let titleSizes = [84, 72]
    /// The title's size when it fits in no larger one (it is then shortened with "…").
    static let smallestTitleSize = 60
    /// The most lines a title takes.
    static let titleMaxLines = 3
    /// The accent rule under the title: width, thickness, and the space above and below it.
    static let rule = (width: 120, height: 8, above: 24, below: 52)
    /// The body's size (pixels per em).
    static let bodySize = 42
    /// The page number's size (pixels per em).
    static let numberSize = 34
    /// The page number's baseline.
    static let numberBaseline = size - 72
    /// Where the body must end: above the page number.
    static let bodyBottom = size - 150

    /// The regular font file (body, page number), in the font directory.
    static let regularFontFile = "DejaVuSans.ttf"
    /// The bold font file (title), in the font directory.
    static let boldFontFile = "DejaVuSans-Bold.ttf"

    private let titleFace: FontFace
    private let bodyFace: FontFace

    /// Opens the design's two fonts.
    /// - Parameter fontDirectory: The directory holding ``regularFontFile`` and ``boldFontFile``.
    /// - Throws: ``GraphicsError/Code/fontNotFound`` naming the missing file, or
    ///   ``GraphicsError/Code/fontLoadFailed``.
    init(fontDirectory: String) throws {
        let directory = URL(filePath: fontDirectory, directoryHint: .isDirectory)
        titleFace = try FontFace(path: directory.appending(path: Self.boldFontFile).path, pixelSize: Self.smallestTitleSize)
        bodyFace = try FontFace(path: directory.appending(path: Self.regularFontFile).path, pixelSize: Self.bodySize)
    }

    /// Draws a slide.
    /// - Parameter slide: What the slide says and its colours.
    /// - Returns: The picture.
    /// - Throws: ``GraphicsError/Code/invalidSlide`` when `index` is not in `1...total`;
    ///   ``GraphicsError`` when FreeType fails.
    func draw(_ slide: SlideContent) throws -> Canvas {
        guard slide.total >= 1, (1...slide.total).contains(slide.index) else {
            throw GraphicsError(.invalidSlide, "slide \(slide.index) of \(slide.total): the index must be between 1 and the total")
        }
        let ink = slide.background.contrastingText
        let columnWidth = Self.size - 2 * Self.margin
        var canvas = Canvas(width: Self.size, height: Self.size, background: slide.background)
        canvas.fill(x: 0, y: 0, width: Self.size, height: Self.bandHeight, color: slide.accent)

        var bodyTop = Self.titleTop
        let title = try fittedTitle(slide.title, width: columnWidth)
        if !title.lines.isEmpty {
            let lineHeight = titleFace.lineHeight
            try title.draw(
                into: &canvas, face: titleFace, x: Self.margin, width: columnWidth, firstBaseline: Self.titleTop + titleFace.ascender,
                lineHeight: lineHeight, alignment: slide.alignment, color: ink)
            let ruleTop = Self.titleTop + title.lines.count * lineHeight + Self.rule.above
            let ruleLeft =
                switch slide.alignment {
                case .leading: Self.margin
                case .center: (Self.size - Self.rule.width) / 2
                }
            canvas.fill(x: ruleLeft, y: ruleTop, width: Self.rule.width, height: Self.rule.height, color: slide.accent)
            bodyTop = ruleTop + Self.rule.height + Self.rule.below
        }

        try bodyFace.setPixelSize(Self.bodySize)
        let bodyLineHeight = bodyFace.lineHeight * 5 / 4
        let bodyLines = max(0, (Self.bodyBottom - bodyTop) / bodyLineHeight)
        try TextLayout(slide.body, face: bodyFace, width: columnWidth, maxLines: bodyLines).draw(
            into: &canvas, face: bodyFace, x: Self.margin, width: columnWidth, firstBaseline: bodyTop + bodyFace.ascender,
            lineHeight: bodyLineHeight, alignment: slide.alignment, color: ink)

        try bodyFace.setPixelSize(Self.numberSize)
        let number = "\(slide.index) / \(slide.total)"
        let numberLeft = Self.size - Self.margin - (try bodyFace.width(of: number))
        try bodyFace.draw(number, into: &canvas, x: numberLeft, baseline: Self.numberBaseline, color: ink)
        return canvas
    }

    /// The title at the largest size at which it fits, else at the smallest, shortened; the
    /// title face is left at that size.
    private func fittedTitle(_ text: String, width: Int) throws -> TextLayout {
        for size in Self.titleSizes {
            try titleFace.setPixelSize(size)
            let layout = try TextLayout(text, face: titleFace, width: width, maxLines: Self.titleMaxLines)
            if !layout.isTruncated { return layout }
        }
        try titleFace.setPixelSize(Self.smallestTitleSize)
        return try TextLayout(text, face: titleFace, width: width, maxLines: Self.titleMaxLines)
    }
}
