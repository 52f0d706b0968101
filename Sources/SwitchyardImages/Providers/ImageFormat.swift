// What an image's bytes are: PNG, JPEG or WebP, and its size in pixels, read from its header.

/// An image's format and dimensions, read from its bytes (not from what a provider claims).
public struct ImageFormat: Sendable, Equatable {
    /// `image/png`, `image/jpeg` or `image/webp`.
    public var contentType: String
    /// The file name extension (`png`, `jpg`, `webp`).
    public var fileExtension: String
    /// Width in pixels, when the header says.
    public var width: Int?
    /// Height in pixels, when the header says.
    public var height: Int?

    /// Reads `bytes`' header.
    /// - Returns: nil when the bytes are not a PNG, JPEG or WebP image.
    public static func sniff(_ bytes: [UInt8]) -> ImageFormat? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            // IHDR is the first chunk: width and height at offsets 16 and 20, big-endian.
            guard bytes.count >= 24, bytes[12..<16].elementsEqual(Array("IHDR".utf8)) else { return nil }
            return ImageFormat(contentType: "image/png", fileExtension: "png", width: bigEndian(bytes, 16, 4), height: bigEndian(bytes, 20, 4))
        }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            let size = jpegSize(bytes)
            return ImageFormat(contentType: "image/jpeg", fileExtension: "jpg", width: size?.width, height: size?.height)
        }
        if bytes.count >= 16, bytes.starts(with: Array("RIFF".utf8)), bytes[8..<12].elementsEqual(Array("WEBP".utf8)) {
            let size = webpSize(bytes)
            return ImageFormat(contentType: "image/webp", fileExtension: "webp", width: size?.width, height: size?.height)
        }
        return nil
    }

    private static func bigEndian(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> Int {
        bytes[offset..<(offset + count)].reduce(0) { $0 << 8 | Int($1) }
    }

    private static func littleEndian(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> Int {
        bytes[offset..<(offset + count)].reversed().reduce(0) { $0 << 8 | Int($1) }
    }

    /// The size in the first start-of-frame segment.
    private static func jpegSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        var offset = 2
        while offset + 9 < bytes.count {
            guard bytes[offset] == 0xFF else { return nil }
            let marker = bytes[offset + 1]
            let length = bigEndian(bytes, offset + 2, 2)
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                return (bigEndian(bytes, offset + 7, 2), bigEndian(bytes, offset + 5, 2))
            }
            offset += 2 + length
        }
        return nil
    }

    /// The size of a VP8, VP8L or VP8X WebP.
    private static func webpSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        guard bytes.count >= 30 else { return nil }
        switch String(decoding: bytes[12..<16], as: UTF8.self) {
        case "VP8 ": return (littleEndian(bytes, 26, 2) & 0x3FFF, littleEndian(bytes, 28, 2) & 0x3FFF)
        case "VP8L":
            let bits = littleEndian(bytes, 21, 4)
            return ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
        case "VP8X": return (littleEndian(bytes, 24, 3) + 1, littleEndian(bytes, 27, 3) + 1)
        default: return nil
        }
    }
}
