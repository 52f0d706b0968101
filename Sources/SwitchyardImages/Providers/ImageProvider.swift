// Who draws a slide: an image model, or the local renderer offline.

public import SwitchyardProviders

/// Draws one slide's image.
public protocol ImageProvider: Sendable {
    /// `offline`, or the API and model, for logs and `api_usage`.
    var name: String { get }
    /// The image for `slide`, as the provider sent it (checked by ``ImageFormat`` before it is stored).
    func image(for slide: SlideRequest) async throws(ProviderError) -> [UInt8]
}

/// What a slide's image is drawn from.
public struct SlideRequest: Sendable {
    /// The slide, from 1.
    public var index: Int
    /// How many slides the carousel has.
    public var total: Int
    /// The slide's headline.
    public var title: String
    /// The slide's text.
    public var body: String
    /// What its picture should show.
    public var imagePrompt: String
    /// The generation's prompt (the offline renderer derives its colour from it).
    public var prompt: String
    /// The requested background colour, `#RRGGBB`.
    public var background: String?
    /// The requested accent colour, `#RRGGBB`.
    public var accent: String?

    /// Creates a request.
    public init(
        index: Int, total: Int, title: String, body: String, imagePrompt: String, prompt: String, background: String?, accent: String?
    ) {
        self.index = index
        self.total = total
        self.title = title
        self.body = body
        self.imagePrompt = imagePrompt
        self.prompt = prompt
        self.background = background
        self.accent = accent
    }
}
