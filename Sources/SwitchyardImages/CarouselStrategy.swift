// A carousel's content strategy: its title and, per slide, the text and the image prompt.

import Foundation
public import SwitchyardCore

/// What the strategist decided: `{title, slides: [{title, body, image_prompt}]}`.
public struct CarouselStrategy: Sendable, Equatable, Codable {
    /// One slide's content.
    public struct Slide: Sendable, Equatable, Codable {
        /// The slide's headline.
        public var title: String
        /// The slide's text.
        public var body: String
        /// What its picture should show (for image models).
        public var imagePrompt: String

        enum CodingKeys: String, CodingKey {
            case title, body
            case imagePrompt = "image_prompt"
        }

        /// Creates a slide.
        public init(title: String, body: String, imagePrompt: String) {
            self.title = title
            self.body = body
            self.imagePrompt = imagePrompt
        }
    }

    /// The carousel's title.
    public var title: String
    /// The slides, in order.
    public var slides: [Slide]

    /// Creates a strategy.
    public init(title: String, slides: [Slide]) {
        self.title = title
        self.slides = slides
    }

    /// The most characters of a title, a body and an image prompt.
    static let limits = (title: 120, body: 600, imagePrompt: 1_000)

    /// Reads and checks a strategist's answer: an object with a non-empty `title` and exactly
    /// `slideCount` slides, each with non-empty `title`, `body` and `image_prompt` within their
    /// lengths.
    /// - Returns: The strategy, or the problems (each naming its place, as `slides[2].body`).
    public static func validated(_ answer: JSONValue, slideCount: Int) -> Result<CarouselStrategy, Problems> {
        var problems: [String] = []
        func text(_ value: JSONValue?, _ path: String, limit: Int) -> String {
            guard let string = value?.string, !string.isBlank else {
                problems.append("\(path): expected a non-empty string, got \(value?.kindName ?? "nothing")")
                return ""
            }
            if string.count > limit { problems.append("\(path): at most \(limit) characters, got \(string.count)") }
            if string.utf8.contains(0) { problems.append("\(path): holds a NUL character") }
            return string
        }
        guard case .object = answer else {
            return .failure(Problems(["expected a JSON object {title, slides}, got \(answer.kindName)"]))
        }
        let title = text(answer["title"], "title", limit: limits.title)
        var slides: [Slide] = []
        if let array = answer["slides"]?.array {
            if array.count != slideCount { problems.append("slides: expected exactly \(slideCount), got \(array.count)") }
            for (index, slide) in array.prefix(slideCount).enumerated() {
                let path = "slides[\(index)]"
                slides.append(Slide(
                    title: text(slide["title"], "\(path).title", limit: limits.title),
                    body: text(slide["body"], "\(path).body", limit: limits.body),
                    imagePrompt: text(slide["image_prompt"], "\(path).image_prompt", limit: limits.imagePrompt)))
            }
        } else {
            problems.append("slides: expected an array of \(slideCount) slides, got \(answer["slides"]?.kindName ?? "nothing")")
        }
        return problems.isEmpty ? .success(CarouselStrategy(title: title, slides: slides)) : .failure(Problems(problems))
    }

    /// What is wrong with an answer.
    public struct Problems: Error, Sendable, Equatable {
        /// Each problem, naming its place.
        public var list: [String]

        init(_ list: [String]) {
            self.list = list
        }
    }
}
