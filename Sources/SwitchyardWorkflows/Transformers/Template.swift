// `{{input.name}}` and `{{secrets.name}}` placeholders in configured transformers' strings.

import Foundation
public import SwitchyardCore

/// A string with placeholders: `{{input}}` (the step's input as JSON), `{{input.a.0.b}}` (a
/// member or index path into it; strings inserted as they are, other values as JSON) and
/// `{{secrets.name}}` (an opened secret of the configured transformer).
///
/// Only a tenant's configured strings are templates: text that arrives in a step's input is
/// never rendered, so no input can make a secret appear.
public struct Template: Sendable, Equatable {
    /// One placeholder.
    public enum Reference: Sendable, Equatable {
        case input([String])
        case secret(String)
    }

    /// Why a template can't be read or rendered.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    private enum Part: Sendable, Equatable {
        case text(String)
        case reference(Reference)
    }

    private let parts: [Part]

    /// The placeholders, in order.
    public var references: [Reference] {
        parts.compactMap { if case .reference(let reference) = $0 { reference } else { nil } }
    }

    /// Parses `text`.
    /// - Throws: ``Problem`` for an unclosed `{{` or a placeholder that is not `input...` or
    ///   `secrets.name`, naming its character position.
    public init(_ text: String) throws(Problem) {
        var parts: [Part] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<open.lowerBound]))) }
            let position = text.distance(from: text.startIndex, to: open.lowerBound)
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw Problem(description: "'{{' at \(position) is never closed with '}}'")
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            let path = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            let valid = path.dropFirst().allSatisfy { !$0.isEmpty && $0.unicodeScalars.allSatisfy(Self.isNameScalar) }
            switch path.first {
            case "input" where valid:
                parts.append(.reference(.input(Array(path.dropFirst()))))
            case "secrets" where valid && path.count == 2:
                parts.append(.reference(.secret(path[1])))
            default:
                throw Problem(description: "'{{\(name)}}' at \(position): expected {{input}}, {{input.name}} or {{secrets.name}}")
            }
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        self.parts = parts
    }

    /// The text with every placeholder replaced.
    /// - Throws: ``Problem`` naming a path the input doesn't have or a secret that isn't there.
    public func render(input: JSONValue, secrets: [String: String]) throws(Problem) -> String {
        var text = ""
        for part in parts {
            switch part {
            case .text(let literal):
                text += literal
            case .reference(.secret(let name)):
                guard let secret = secrets[name] else { throw Problem(description: "no secret '\(name)' is configured") }
                text += secret
            case .reference(.input(let path)):
                var value = input
                for key in path {
                    if let member = value[key] {
                        value = member
                    } else if case .array(let items) = value, let index = Int(key), items.indices.contains(index) {
                        value = items[index]
                    } else {
                        throw Problem(description: "the input has no '\((["input"] + path).joined(separator: "."))'")
                    }
                }
                if case .string(let string) = value {
                    text += string
                } else {
                    text += value.jsonText
                }
            }
        }
        return text
    }

    /// Whether the template is plain text.
    public var isLiteral: Bool {
        references.isEmpty
    }

    private static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-"
    }
}
