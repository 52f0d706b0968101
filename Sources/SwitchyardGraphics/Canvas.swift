// An RGB pixel buffer in memory: filled rectangles and glyph coverage blended in a colour.

/// A width × height image of 8-bit RGB pixels, row by row from the top, three bytes per pixel
/// (the layout of a PNG's colour type 2).
///
/// Drawing is clipped to the canvas: parts of a rectangle or glyph outside it are dropped.
struct Canvas {
    /// Width in pixels.
    let width: Int
    /// Height in pixels.
    let height: Int
    /// `width × height × 3` bytes: red, green, blue of each pixel, row by row from the top.
    private(set) var pixels: [UInt8]

    /// Creates a canvas filled with one colour.
    /// - Parameters:
    ///   - width: Width in pixels, at least 1.
    ///   - height: Height in pixels, at least 1.
    ///   - background: The colour of every pixel.
    init(width: Int, height: Int, background: RGBColor) {
        precondition(width > 0 && height > 0, "a canvas has at least one pixel")
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        fill(x: 0, y: 0, width: width, height: height, color: background)
    }

    /// Paints a rectangle in a colour.
    /// - Parameters:
    ///   - x: The left edge.
    ///   - y: The top edge.
    ///   - width: Width in pixels.
    ///   - height: Height in pixels.
    ///   - color: The colour.
    mutating func fill(x: Int, y: Int, width: Int, height: Int, color: RGBColor) {
        let left = max(x, 0), right = min(x + width, self.width)
        let top = max(y, 0), bottom = min(y + height, self.height)
        guard left < right, top < bottom else { return }
        let stride = self.width * 3
        pixels.withUnsafeMutableBufferPointer { buffer in
            for row in top..<bottom {
                var offset = row * stride + left * 3
                for _ in left..<right {
                    buffer[offset] = color.r
                    buffer[offset + 1] = color.g
                    buffer[offset + 2] = color.b
                    offset += 3
                }
            }
        }
    }

    /// Paints a colour through an 8-bit coverage mask (an anti-aliased glyph): each pixel
    /// becomes `colour × c + pixel × (255 − c)` over 255, rounded, where `c` is the mask's
    /// value there.
    /// - Parameters:
    ///   - coverage: The mask's first row; `rows` rows of `width` bytes, `pitch` bytes apart.
    ///   - width: The mask's width in pixels.
    ///   - rows: The mask's height in pixels.
    ///   - pitch: Bytes from one mask row to the next (at least `width`).
    ///   - x: Where the mask's left edge goes.
    ///   - y: Where the mask's top row goes.
    ///   - color: The colour painted.
    mutating func blend(
        coverage: UnsafePointer<UInt8>, width: Int, rows: Int, pitch: Int, x: Int, y: Int, color: RGBColor
    ) {
        let left = max(x, 0), right = min(x + width, self.width)
        let top = max(y, 0), bottom = min(y + rows, self.height)
        guard left < right, top < bottom else { return }
        let stride = self.width * 3
        let paint = (r: UInt32(color.r), g: UInt32(color.g), b: UInt32(color.b))
        pixels.withUnsafeMutableBufferPointer { buffer in
            for row in top..<bottom {
                let mask = coverage + (row - y) * pitch
                var offset = row * stride + left * 3
                for column in left..<right {
                    let alpha = UInt32(mask[column - x])
                    if alpha == 255 {
                        buffer[offset] = color.r
                        buffer[offset + 1] = color.g
                        buffer[offset + 2] = color.b
                    } else if alpha > 0 {
                        let rest = 255 - alpha
                        buffer[offset] = UInt8((paint.r * alpha + UInt32(buffer[offset]) * rest + 127) / 255)
                        buffer[offset + 1] = UInt8((paint.g * alpha + UInt32(buffer[offset + 1]) * rest + 127) / 255)
                        buffer[offset + 2] = UInt8((paint.b * alpha + UInt32(buffer[offset + 2]) * rest + 127) / 255)
                    }
                    offset += 3
                }
            }
        }
    }
}
