// The offline strategist: a carousel outline built from the prompt by rules, the same every time.

import Foundation
public import SwitchyardCore
public import SwitchyardProviders

/// Builds a carousel from the prompt alone, deterministically: a title from the prompt, an
/// outline of slide headlines (the idea, why it matters, how it works, ..., the takeaway) and
/// bodies that use the prompt's own key words. No model, no network.
public struct OfflineStrategist: CarouselStrategist {
    public let name = "offline"

    /// Creates the strategist.
    public init() {}

    /// Slide headlines in the order a carousel tells its story; the last slide is the takeaway.
    static let outline = [
        "The big idea", "Why it matters", "How it works", "Getting started", "A real example",
        "Common mistakes", "Tips that help", "By the numbers", "Your checklist",
    ]

    static let stopWords: Set<String> = [
        "about", "after", "also", "because", "been", "being", "could", "does", "each", "from", "have", "into", "just",
        "like", "make", "more", "most", "much", "only", "other", "over", "some", "such", "than", "that", "their",
        "them", "then", "there", "these", "they", "this", "those", "very", "what", "when", "where", "which", "while",
        "with", "would", "your", "carousel", "slides", "slide", "please", "create", "ways", "things", "reasons", "steps",
        "tips", "three", "four", "five", "seven", "eight", "nine", "every", "great", "small", "better", "using",
    ]

    public func strategy(for prompt: String, slideCount: Int, repairing problems: [String]) async throws(ProviderError) -> JSONValue {
        let topic = Self.topic(prompt)
        let words = Self.keywords(prompt)
        var slides: [JSONValue] = []
        for index in 0..<slideCount {
            let last = index == slideCount - 1 && slideCount > 1
            let headline = last ? "The takeaway" : Self.outline[index % Self.outline.count]
            let focus = words.isEmpty ? topic : words[index % words.count]
            let body = last
                ? "Remember: \(topic) pays off when you start small, measure what changes and keep going."
                : Self.body(headline: headline, topic: topic, focus: focus)
            slides.append([
                "title": .string(headline), "body": .string(body),
                "image_prompt": .string("A clean flat illustration of \(focus), for a slide titled '\(headline)' about \(topic)"),
            ])
        }
        return ["title": .string(Self.title(topic)), "slides": .array(slides)]
    }

    /// The prompt as a topic: its first sentence, trimmed, at most 80 characters.
    static func topic(_ prompt: String) -> String {
        let first = prompt.split(whereSeparator: { ".!?\n".contains($0) }).first.map(String.init) ?? prompt
        let trimmed = first.trimmingWhiteSpace()
        let topic = trimmed.isEmpty ? "this topic" : trimmed
        return topic.count > 80 ? String(topic.prefix(79)) + "…" : topic
    }

    /// The topic as a title: its first letter upper-case.
    static func title(_ topic: String) -> String {
        topic.prefix(1).uppercased() + topic.dropFirst()
    }

    /// The most characters of a key word: a prompt of one 2,000-letter word made every slide's
    /// body and image prompt longer than a strategy may be, so every such generation failed.
    static let keywordLimit = 40

    /// The prompt's key words: words of five letters or more that say something, in order, once
    /// each, cut to ``keywordLimit`` characters.
    static func keywords(_ prompt: String) -> [String] {
        var seen = Set<String>()
        return prompt.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "-" }).map { String($0.prefix(keywordLimit)) }
            .filter { $0.count >= 5 && !stopWords.contains($0) && seen.insert($0).inserted }
    }

    static func body(headline: String, topic: String, focus: String) -> String {
        switch headline {
        case "The big idea": "\(title(topic)) in one sentence: it is all about \(focus)."
        case "Why it matters": "Getting \(focus) right saves time, money and attention — and people notice."
        case "How it works": "Start from \(focus), connect it to what you already do, then repeat what works."
        case "Getting started": "Pick one small step with \(focus) today and give it a week."
        case "A real example": "One team put \(focus) first for a month and saw the difference in their results."
        case "Common mistakes": "Doing everything at once. Treat \(focus) as one habit, not a project."
        case "Tips that help": "Write it down, share it, and review \(focus) every Friday."
        case "By the numbers": "Three steps, one week, and \(focus) as your measure of progress."
        default: "Check \(focus) off your list: planned, tried, measured."
        }
    }
}
