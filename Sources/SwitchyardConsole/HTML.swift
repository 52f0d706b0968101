// Markup built from string interpolation: text is escaped on the way in, in this one place.

/// A piece of HTML. Interpolated strings and numbers are escaped; interpolated `HTML` is
/// inserted as it is, so markup can only come from literals in our code:
///
/// ```swift
/// let row: HTML = "<td>\(letter.error ?? "-")</td>"   // a "<script>" in the error stays text
/// ```
public struct HTML: Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The markup.
    public private(set) var rendered: String

    /// Markup from trusted text (our own literals).
    public init(stringLiteral value: String) {
        rendered = value
    }

    /// Markup assembled by an interpolation.
    public init(stringInterpolation: Interpolation) {
        rendered = stringInterpolation.rendered
    }

    /// Markup that is already escaped or built elsewhere from escaped parts.
    init(trusted rendered: String) {
        self.rendered = rendered
    }

    public var description: String { rendered }

    /// Nothing.
    public static let empty = HTML(trusted: "")

    /// Pieces of markup one after the other.
    public static func joined(_ parts: some Sequence<HTML>, separator: HTML = .empty) -> HTML {
        HTML(trusted: parts.map(\.rendered).joined(separator: separator.rendered))
    }

    /// `text` with `&`, `<`, `>`, `"` and `'` escaped: safe in element content and in quoted
    /// attribute values.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// Collects literals as they are and everything interpolated escaped (except `HTML`).
    public struct Interpolation: StringInterpolationProtocol {
        var rendered = ""

        public init(literalCapacity: Int, interpolationCount: Int) {
            rendered.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        public mutating func appendLiteral(_ literal: String) {
            rendered += literal
        }

        /// Text, escaped.
        public mutating func appendInterpolation(_ text: String) {
            rendered += HTML.escape(text)
        }

        /// Text or a dash, escaped.
        public mutating func appendInterpolation(_ text: String?) {
            rendered += HTML.escape(text ?? "-")
        }

        /// A number.
        public mutating func appendInterpolation<Number: BinaryInteger>(_ number: Number) {
            rendered += String(number)
        }

        /// Markup, as it is.
        public mutating func appendInterpolation(_ html: HTML) {
            rendered += html.rendered
        }

        /// Pieces of markup one after the other.
        public mutating func appendInterpolation(_ parts: [HTML]) {
            for part in parts { rendered += part.rendered }
        }
    }
}
