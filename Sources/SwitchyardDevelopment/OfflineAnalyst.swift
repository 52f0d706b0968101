// The offline analyst: rules over the transcript's sentences, no model, no network.

import Foundation
import SwitchyardCore
public import SwitchyardProviders

/// Extracts an analysis from what the client said: requirements are their sentences that ask
/// for something ("we need", "should", "would like"...), the name comes from "called X" when
/// they said one, technologies and platforms from a list of known names, the timeline from a
/// phrase like "in six weeks", the priority from words like "urgent" or "no rush". The same
/// transcript always gives the same analysis.
public struct OfflineAnalyst: ProjectAnalyst {
    public let name = "offline"

    static let cues = ["need", "want", "would like", "should", "must", "has to", "have to", "able to", "let users",
                       "allow", "support", "looking for", "we'd love", "it'd be great"]
    /// Words that make a project's priority high.
    static let urgent = ["urgent", "asap", "as soon as possible", "deadline", "right away"]
    /// Words that make a project's priority low (when none makes it high).
    static let unhurried = ["no rush", "whenever", "no hurry"]
    /// Known names, matched as whole words (letters, digits, `_`), whatever their case.
    static let technologies = ["iOS", "Android", "React", "Vue", "Swift", "Kotlin", "Flutter", "Python", "Django", "Rails", "Node",
                               "PostgreSQL", "Postgres", "MySQL", "MongoDB", "AWS", "GCP", "Azure", "Vercel", "Stripe", "Firebase",
                               "Shopify", "Slack"]

    public init() {}

    public func analyse(_ transcript: Transcript) async throws(ProviderError) -> ProjectAnalysis {
        let sentences = transcript.clientTurns.flatMap { Self.sentences(in: $0.content) }
        let text = transcript.turns.map(\.content).joined(separator: " ")
        let lower = text.lowercased()
        var requirements: [String] = []
        for sentence in sentences {
            let lowered = sentence.lowercased()
            if Self.cues.contains(where: { Self.text(lowered, contains: $0) }), !requirements.contains(sentence) {
                requirements.append(sentence)
            }
        }
        if requirements.isEmpty { requirements = Array(sentences.prefix(5)) }
        requirements = Array(requirements.prefix(12))
        guard let first = requirements.first else {
            throw ProviderError(.permanent, "empty_transcript", "the transcript has no sentences to analyse")
        }
        var preferences: [String: [String]] = [:]
        let tokens = Set(lower.split(whereSeparator: { !(Self.isLetterOrNumber($0) || $0 == "_") }))
        let mentioned = Self.technologies.filter { tokens.contains(Substring($0.lowercased())) }
        if !mentioned.isEmpty { preferences["technologies"] = mentioned }
        let platforms = [("web", ["website", "web app", "browser", "web"]), ("mobile", ["mobile", "iphone", "ios", "android", "app store"])]
            .filter { _, words in words.contains { Self.text(lower, contains: $0) } }.map(\.0)
        if !platforms.isEmpty { preferences["platforms"] = platforms }
        return ProjectAnalysis(
            projectName: Self.projectName(in: text) ?? Self.title(from: first, words: 4),
            description: first, requirements: requirements, preferences: preferences,
            timeline: Self.firstMatch(of: Self.timelinePattern, in: text) ?? "not discussed",
            priority: Self.urgent.contains { Self.text(lower, contains: $0) } ? "high"
                : Self.unhurried.contains { Self.text(lower, contains: $0) } ? "low" : "medium")
    }

    /// The sentences of `text`, trimmed: each ends after a `.`, `!` or `?` (or with the text), and
    /// one of fewer than three words is left out.
    static func sentences(in text: String) -> [String] {
        var sentences: [String] = []
        var start = text.startIndex
        for end in text.indices where ".!?".contains(text[end]) {
            let next = text.index(after: end)
            appendSentence(text[start..<next], to: &sentences)
            start = next
        }
        appendSentence(text[start...], to: &sentences)
        return sentences
    }

    /// Appends `text` trimmed of white space at both ends, when it has three words or more.
    private static func appendSentence(_ text: Substring, to sentences: inout [String]) {
        let sentence = text.trimmingWhiteSpace()
        if sentence.split(separator: " " as Character).count >= 3 { sentences.append(sentence) }
    }

    /// Whether `text` holds `part`, byte for byte. Foundation's `contains` goes through
    /// `NSString`, and the standard library's `utf8.contains(_:)` runs unspecialized.
    static func text(_ text: String, contains part: String) -> Bool {
        var text = text
        var part = part
        return text.withUTF8 { haystack in
            part.withUTF8 { needle in
                guard let first = needle.first else { return true }
                guard needle.count <= haystack.count else { return false }
                for start in 0...(haystack.count - needle.count) where haystack[start] == first {
                    if UnsafeBufferPointer(rebasing: haystack[start..<(start + needle.count)]).elementsEqual(needle) { return true }
                }
                return false
            }
        }
    }

    /// `Character.isLetter || Character.isNumber`, without the Unicode tables for ASCII.
    static func isLetterOrNumber(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return character.isLetter || character.isNumber }
        return (ascii >= 0x61 && ascii <= 0x7A) || (ascii >= 0x41 && ascii <= 0x5A) || (ascii >= 0x30 && ascii <= 0x39)
    }

    /// "called Bloom Booking" / "named Acme" in `text`.
    static func projectName(in text: String) -> String? {
        firstMatch(of: namePattern, in: text, group: 1)
    }

    // The patterns are compiled once: compiling one (or matching with Swift's `Regex`) costs
    // each analysis hundreds of microseconds, matching a compiled one a few.

    /// "in six weeks", "within 3 months", "by about two days", in any case.
    static let timelinePattern = try! NSRegularExpression(
        pattern: #"(?:in|within|by) (?:about )?(\d+|one|two|three|four|five|six|eight|ten|twelve) (days?|weeks?|months?)"#,
        options: .caseInsensitive)
    /// "called Bloom Booking", "named “Acme”": up to four capitalized words.
    static let namePattern = try! NSRegularExpression(pattern: #"(?:called|named) ["“']?([A-Z][\w-]*(?: [A-Z][\w-]*){0,3})"#)

    /// The text of the first match of `pattern` in `text` (or of its capture group `group`).
    static func firstMatch(of pattern: NSRegularExpression, in text: String, group: Int = 0) -> String? {
        guard let match = pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range(at: group), in: text)
        else { return nil }
        return String(text[range])
    }

    /// Words a title leaves out.
    static let titleFiller: Set<String> = ["we", "i", "need", "needs", "want", "wants", "would", "like", "to", "a", "an", "the", "it",
                                           "should", "must", "be", "able", "our", "us", "that", "can", "has", "have"]

    /// The first `words` significant words of `sentence`, capitalized.
    static func title(from sentence: String, words: Int) -> String {
        let kept = sentence.split(whereSeparator: { !isLetterOrNumber($0) })
            .map(String.init).filter { !titleFiller.contains($0.lowercased()) }.prefix(words)
        return kept.isEmpty ? "Untitled project" : kept.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }
}
