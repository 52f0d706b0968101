// The slide renderer callers use: a few rendering threads, each slide sent to the least busy.

import Synchronization

/// Renders carousel slides as 1080×1080 PNG pictures, offline: a background colour, the
/// title and body wrapped in DejaVu Sans (bold and regular), and "n / N" in the corner.
///
/// FreeType and zlib run only on the renderer's own threads (one font set each), never on
/// Swift's cooperative pool; with two threads, two slides render at the same time. Rendering
/// is deterministic: the same content gives the same bytes.
///
/// ```swift
/// let renderer = try await SlideRenderer(threads: 2)
/// let image = try await renderer.render(SlideContent(
///     title: "Ship on Fridays", body: "Small batches, feature flags, fast rollback.", index: 1, total: 5,
///     background: .derived(from: prompt), accent: .derivedAccent(from: prompt)))
/// // image.bytes is a PNG file, image.contentType "image/png"
/// ```
///
/// The threads end when the renderer is released.
public final class SlideRenderer: Sendable {
    /// Where Debian's `fonts-dejavu-core` puts DejaVu Sans.
    public static let defaultFontDirectory = "/usr/share/fonts/truetype/dejavu"

    private let rasterizers: [SlideRasterizer]
    /// Slides being rendered, per rasterizer.
    private let busy: Mutex<[Int]>

    /// Starts the rendering threads and opens the fonts on each.
    /// - Parameters:
    ///   - fontDirectory: The directory holding `DejaVuSans.ttf` and `DejaVuSans-Bold.ttf`.
    ///   - threads: How many slides may render at the same time, each on a thread of its own.
    /// - Throws: ``GraphicsError/Code/fontNotFound`` naming the missing file,
    ///   ``GraphicsError/Code/fontLoadFailed`` when FreeType can't read one,
    ///   ``GraphicsError/Code/invalidConfiguration`` when `threads` is below 1.
    public init(fontDirectory: String = SlideRenderer.defaultFontDirectory, threads: Int = 2) async throws {
        guard threads >= 1 else {
            throw GraphicsError(.invalidConfiguration, "a slide renderer needs at least one thread, not \(threads)")
        }
        var rasterizers: [SlideRasterizer] = []
        for number in 1...threads {
            rasterizers.append(try await SlideRasterizer.start(fontDirectory: fontDirectory, name: "slides-\(number)"))
        }
        self.rasterizers = rasterizers
        busy = Mutex(Array(repeating: 0, count: threads))
    }

    /// Renders one slide on the least busy rendering thread.
    /// - Parameter slide: What the slide says and its colours.
    /// - Returns: A 1080×1080 PNG (8-bit RGB), `contentType` `image/png`.
    /// - Throws: ``GraphicsError/Code/invalidSlide`` when `index` is not in `1...total`;
    ///   ``GraphicsError`` when FreeType or zlib fail; `CancellationError` when the task is
    ///   cancelled before the slide starts.
    public func render(_ slide: SlideContent) async throws -> RenderedImage {
        try Task.checkCancellation()
        let chosen = busy.withLock { busy in
            let chosen = busy.indices.min { busy[$0] < busy[$1] } ?? 0
            busy[chosen] += 1
            return chosen
        }
        defer { busy.withLock { $0[chosen] -= 1 } }
        return try await rasterizers[chosen].render(slide)
    }
}
