// RFC 6901 JSON Pointers: `/definition/steps/score/input_map`, to name a place in a document
// (in errors) and to read it.

/// A JSON Pointer (RFC 6901): a sequence of reference tokens, written `/a/b/0`, with `~1` for
/// `/` and `~0` for `~` inside a token. The empty pointer refers to the whole document.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// The reference tokens, unescaped.
    public var tokens: [String]

    /// The pointer to the whole document.
    public static let root = JSONPointer(tokens: [])

    /// A pointer made of these (unescaped) tokens.
    public init(tokens: [String]) {
        self.tokens = tokens
    }

    /// Parses the written form.
    /// - Returns: nil when `text` is neither empty nor starts with `/`, or has a `~` not followed by `0` or `1`.
    public init?(_ text: String) {
        guard !text.isEmpty else {
            self.init(tokens: [])
            return
        }
        guard text.hasPrefix("/") else { return nil }
        var tokens: [String] = []
        for raw in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = ""
            var escaped = false
            for character in raw {
                if escaped {
                    switch character {
                    case "0": token.append("~")
                    case "1": token.append("/")
                    default: return nil
                    }
                    escaped = false
                } else if character == "~" {
                    escaped = true
                } else {
                    token.append(character)
                }
            }
            guard !escaped else { return nil }
            tokens.append(token)
        }
        self.init(tokens: tokens)
    }

    /// This pointer followed by `token` (a member name, or an array index as text).
    public func appending(_ token: String) -> JSONPointer {
        JSONPointer(tokens: tokens + [token])
    }

    /// This pointer followed by an array index.
    public func appending(_ index: Int) -> JSONPointer {
        appending(String(index))
    }

    /// The written form, `/a/b~1c/0`.
    public var description: String {
        tokens.map { "/" + $0.replacing("~", with: "~0").replacing("/", with: "~1") }.joined()
    }

    /// The index a token names in an array: decimal digits without a leading zero (RFC 6901).
    static func arrayIndex(_ token: String) -> Int? {
        guard !token.isEmpty, token.utf8.allSatisfy({ (48...57).contains($0) }), token == "0" || !token.hasPrefix("0") else {
            return nil
        }
        return Int(token)
    }
}
