// What one slide says and how it is coloured: the input of SlideRenderer.

/// One slide of a carousel: its text, its place in the carousel and its colours.
public struct SlideContent: Sendable, Hashable {
    /// How the title and body lines sit in their column.
    public enum Alignment: Sendable, Hashable {
        /// Flush left (ragged right).
        case leading
        /// Centred.
        case center
    }

    /// The headline, drawn large and bold near the top; wrapped to at most three lines and
    /// shortened with "…" past that.
    public var title: String
    /// The text under the title, wrapped; shortened with "…" where the slide ends. Blank
    /// lines separate paragraphs.
    public var body: String
    /// The slide's position, 1-based; drawn as "index / total" in the bottom-right corner.
    public var index: Int
    /// How many slides the carousel has.
    public var total: Int
    /// The background colour (``RGBColor/derived(from:)`` gives one from a prompt).
    public var background: RGBColor
    /// The colour of the top band and the rule under the title
    /// (``RGBColor/derivedAccent(from:)`` goes with a derived background).
    public var accent: RGBColor
    /// How the title and body are aligned.
    public var alignment: Alignment

    /// Creates a slide.
    /// - Parameters:
    ///   - title: The headline.
    ///   - body: The text under the title.
    ///   - index: The slide's position, 1-based.
    ///   - total: How many slides the carousel has.
    ///   - background: The background colour; text is drawn in its ``RGBColor/contrastingText``.
    ///   - accent: The colour of the top band and the rule under the title.
    ///   - alignment: How the title and body are aligned (flush left by default).
    public init(
        title: String, body: String, index: Int, total: Int, background: RGBColor, accent: RGBColor,
        alignment: Alignment = .leading
    ) {
        self.title = title
        self.body = body
        self.index = index
        self.total = total
        self.background = background
        self.accent = accent
        self.alignment = alignment
    }
}
