// An encoded picture: the bytes of a PNG file and what they are.

/// An encoded image, ready to store or serve.
public struct RenderedImage: Sendable, Hashable {
    /// The file's bytes.
    public var bytes: [UInt8]
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// The media type of ``bytes``: `image/png`.
    public var contentType: String

    /// Creates an image description.
    /// - Parameters:
    ///   - bytes: The file's bytes.
    ///   - width: Width in pixels.
    ///   - height: Height in pixels.
    ///   - contentType: The media type of `bytes`.
    public init(bytes: [UInt8], width: Int, height: Int, contentType: String) {
        self.bytes = bytes
        self.width = width
        self.height = height
        self.contentType = contentType
    }
}
