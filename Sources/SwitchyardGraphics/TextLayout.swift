// Text laid out in a column of one face: words wrapped to a width, at most so many lines (the
// last one ending in "…" when text was left out), each line flush left or centred.

/// Lines of text wrapped to a column, in one face at its current size.
///
/// Words break at whitespace; a word wider than the column breaks between characters. A line
/// break in the text starts a new line; a blank line leaves one empty line (several count as
/// one). Past `maxLines`, the text is cut and the last line ends in "…".
struct TextLayout {
    /// The lines, top to bottom (an empty string is a gap between paragraphs).
    let lines: [String]
    /// Whether text was left out to stay within the line limit.
    let isTruncated: Bool

    private static let ellipsis = "…"

    /// Wraps text to a column.
    /// - Parameters:
    ///   - text: The text.
    ///   - face: The face, at the size the text will be drawn in.
    ///   - width: The column's width in pixels.
    ///   - maxLines: The most lines the column holds.
    /// - Throws: ``GraphicsError`` when FreeType can't load a glyph.
    init(_ text: String, face: FontFace, width: Int, maxLines: Int) throws {
        var lines: [String] = []
        var gapPending = false
        for paragraph in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            guard lines.count <= maxLines else { break }
            let words = paragraph.split(whereSeparator: \.isWhitespace).map(String.init)
            if words.isEmpty {
                gapPending = !lines.isEmpty
                continue
            }
            if gapPending {
                lines.append("")
                gapPending = false
            }
            try Self.wrap(words, face: face, width: width, into: &lines, limit: maxLines)
        }
        guard lines.count > maxLines else {
            self.lines = lines
            isTruncated = false
            return
        }
        var kept = Array(lines.prefix(maxLines))
        while kept.last == "" {
            kept.removeLast()
        }
        if let last = kept.popLast() {
            kept.append(try Self.ellipsized(last, face: face, width: width))
        }
        self.lines = kept
        isTruncated = true
    }

    /// Draws the lines.
    /// - Parameters:
    ///   - canvas: Where to draw.
    ///   - face: The face the lines were wrapped in, at the same size.
    ///   - x: The column's left edge.
    ///   - width: The column's width.
    ///   - firstBaseline: The first line's baseline.
    ///   - lineHeight: Pixels from one baseline to the next.
    ///   - alignment: Flush left or centred in the column.
    ///   - color: The ink.
    /// - Throws: ``GraphicsError`` when FreeType can't render a glyph.
    func draw(
        into canvas: inout Canvas, face: FontFace, x: Int, width: Int, firstBaseline: Int, lineHeight: Int,
        alignment: SlideContent.Alignment, color: RGBColor
    ) throws {
        for (number, line) in lines.enumerated() where !line.isEmpty {
            let left =
                switch alignment {
                case .leading: x
                case .center: x + (width - (try face.width(of: line))) / 2
                }
            try face.draw(line, into: &canvas, x: left, baseline: firstBaseline + number * lineHeight, color: color)
        }
    }

    /// Appends the lines of one paragraph, stopping once there are more than `limit`.
    private static func wrap(_ words: [String], face: FontFace, width: Int, into lines: inout [String], limit: Int) throws {
        var line = ""
        for word in words {
            guard lines.count <= limit else { return }
            let candidate = line.isEmpty ? word : line + " " + word
            if try face.width(of: candidate) <= width {
                line = candidate
                continue
            }
            if !line.isEmpty {
                lines.append(line)
            }
            if try face.width(of: word) <= width {
                line = word
                continue
            }
            // A word wider than the column breaks between characters.
            line = ""
            for character in word {
                if !line.isEmpty, try face.width(of: line + String(character)) > width {
                    lines.append(line)
                    line = ""
                }
                line.append(character)
            }
        }
        if !line.isEmpty {
            lines.append(line)
        }
    }

    /// The line shortened until it fits the column with "…" after it: whole words dropped from
    /// the end first, then characters when one word is left; trailing spaces and `,;:.` go.
    private static func ellipsized(_ line: String, face: FontFace, width: Int) throws -> String {
        var words = line.split(separator: " ")
        while words.count > 1, try face.width(of: words.joined(separator: " ") + ellipsis) > width {
            words.removeLast()
        }
        var text = words.joined(separator: " ")
        while !text.isEmpty, try face.width(of: text + ellipsis) > width {
            text.removeLast()
        }
        while let last = text.last, last.isWhitespace || ",;:.".contains(last) {
            text.removeLast()
        }
        return text + ellipsis
    }
}
