// The offline image provider: each slide drawn locally as a 1080×1080 PNG.

public import SwitchyardGraphics
public import SwitchyardProviders

/// Draws slides with the local renderer (FreeType text on a colour derived from the prompt, or
/// the requested style, as PNG): no network, no keys.
public struct OfflineImageProvider: ImageProvider {
    public let name = "offline"
    private let renderer: SlideRenderer

    /// Creates the provider.
    public init(renderer: SlideRenderer) {
        self.renderer = renderer
    }

    public func image(for slide: SlideRequest) async throws(ProviderError) -> [UInt8] {
        let background = slide.background.flatMap(RGBColor.init(hex:)) ?? RGBColor.derived(from: slide.prompt)
        let accent = slide.accent.flatMap(RGBColor.init(hex:)) ?? RGBColor.derivedAccent(from: slide.prompt)
        do {
            return try await renderer.render(SlideContent(
                title: slide.title, body: slide.body, index: slide.index, total: slide.total, background: background, accent: accent)).bytes
        } catch {
            throw ProviderError(.permanent, "render_failed", "drawing slide \(slide.index): \(error)")
        }
    }
}
