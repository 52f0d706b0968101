// One rendering thread: an actor on its own ThreadExecutor that owns the FreeType faces used
// there and draws and encodes whole slides, so no FreeType or zlib call runs on Swift's
// cooperative pool.

import SwitchyardConcurrency

/// Renders slides on a thread of its own.
///
/// FreeType's objects may be used by one thread at a time and its calls, like zlib's, are
/// long CPU work, so each rasterizer is an actor bound to its own ``ThreadExecutor``: every
/// method runs on that thread, the fonts are opened there and released there (in the isolated
/// deinit). ``SlideRenderer`` keeps a few of them to render slides in parallel.
actor SlideRasterizer {
    private let executor: ThreadExecutor
    private let fontDirectory: String
    /// The design with its fonts; opened on first use. Only touched on `executor`'s thread.
    private var design: SlideDesign?

    /// The rasterizer's dedicated thread.
    nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    private init(executor: ThreadExecutor, fontDirectory: String) {
        self.executor = executor
        self.fontDirectory = fontDirectory
    }

    /// Runs on the rasterizer's thread: the fonts' FreeType objects are freed there.
    isolated deinit {
        design = nil
        executor.shutdown()
    }

    /// Starts a rasterizer on a new thread and opens its fonts there.
    /// - Parameters:
    ///   - fontDirectory: The directory holding the design's font files.
    ///   - name: The thread's name (at most 15 bytes are shown by `top -H`).
    /// - Returns: The rasterizer, ready to render.
    /// - Throws: ``GraphicsError/Code/fontNotFound`` naming the missing file, or
    ///   ``GraphicsError/Code/fontLoadFailed``.
    static func start(fontDirectory: String, name: String) async throws -> SlideRasterizer {
        let rasterizer = SlideRasterizer(executor: ThreadExecutor(name: name), fontDirectory: fontDirectory)
        try await rasterizer.openFonts()
        return rasterizer
    }

    /// Whether the caller runs on this rasterizer's thread (inside the actor, always).
    var isOnItsThread: Bool {
        executor.isCurrent
    }

    /// Draws a slide and encodes it as PNG.
    /// - Parameter slide: What the slide says and its colours.
    /// - Returns: A 1080×1080 PNG.
    /// - Throws: ``GraphicsError``.
    func render(_ slide: SlideContent) throws -> RenderedImage {
        precondition(isOnItsThread, "FreeType and zlib are only called on the rasterizer's own thread")
        let canvas = try openedDesign().draw(slide)
        let png = try PNGEncoder().encode(canvas)
        return RenderedImage(bytes: png, width: canvas.width, height: canvas.height, contentType: "image/png")
    }

    /// Opens the fonts now, so that a missing one fails the start rather than the first slide.
    private func openFonts() throws {
        _ = try openedDesign()
    }

    /// The design, opening its fonts first if they aren't open yet.
    private func openedDesign() throws -> SlideDesign {
        if let design {
            return design
        }
        let opened = try SlideDesign(fontDirectory: fontDirectory)
        design = opened
        return opened
    }
}
