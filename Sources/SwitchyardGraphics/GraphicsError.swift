// The one error type of the graphics module: what failed, and the FreeType or zlib status it
// came from.

/// An error from rendering a slide: a font that can't be found or read, a glyph FreeType can't
/// render, an image zlib can't compress, or content that can't be drawn.
public struct GraphicsError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. Extensible: new codes never break a caller's `switch`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A renderer setting is invalid (a thread count below 1).
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// A font file is missing; the message names its path.
        public static let fontNotFound = Code("fontNotFound")
        /// FreeType could not open a font file or set its size; the message names the path.
        public static let fontLoadFailed = Code("fontLoadFailed")
        /// FreeType could not load or render a glyph.
        public static let glyphFailed = Code("glyphFailed")
        /// The slide's numbering is impossible (an index outside `1...total`).
        public static let invalidSlide = Code("invalidSlide")
        /// zlib could not compress the image, or the image is too large for a PNG.
        public static let encodingFailed = Code("encodingFailed")
    }

    /// What kind of failure this is.
    public var code: Code
    /// A sentence saying what failed.
    public var message: String
    /// The FreeType error code (`FT_Error`) or zlib status (`Z_MEM_ERROR`, ...), when the
    /// library reported the failure.
    public var libraryStatus: Int32?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: What failed.
    ///   - libraryStatus: The FreeType or zlib status, if any.
    public init(_ code: Code, _ message: String, libraryStatus: Int32? = nil) {
        self.code = code
        self.message = message
        self.libraryStatus = libraryStatus
    }

    public var description: String {
        var text = "graphics \(code): \(message)"
        if let libraryStatus {
            text += " (status \(libraryStatus))"
        }
        return text
    }
}
