// Where a node sits in the document, as a chain of steps from the root, rendered as a
// normalized path only when asked.

/// The location of a node below the root: its parent's location (nil for the root's children)
/// and the step from the parent. Shared by all the node's descendants, so a child costs one
/// small allocation, and nothing when paths aren't wanted.
final class JSONPathLocation: Sendable {
    let parent: JSONPathLocation?
    let step: JSONPathStep

    init(parent: JSONPathLocation?, step: JSONPathStep) {
        self.parent = parent
        self.step = step
    }

    /// The normalized path (RFC 9535, section 2.7) of `location`, `$` for the root (nil):
    /// `$['store']['book'][0]`.
    static func normalizedPath(_ location: JSONPathLocation?) -> String {
        var steps: [JSONPathStep] = []
        var current = location
        while let link = current {
            steps.append(link.step)
            current = link.parent
        }
        var path = "$"
        for step in steps.reversed() {
            switch step {
            case .index(let index):
                path += "["
                path += String(index)
                path += "]"
            case .name(let name):
                path += "['"
                if name.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "'") || $0 == UInt8(ascii: "\\") }) {
                    appendEscaped(name, to: &path)
                } else {
                    path += name
                }
                path += "']"
            }
        }
        return path
    }

    /// A member name inside `'…'` the one way a normalized path writes it: `\'` and `\\`,
    /// `\b \f \n \r \t`, other control characters as `\u00xx` (lower-case hex), everything else
    /// as itself.
    private static func appendEscaped(_ name: String, to path: inout String) {
        for scalar in name.unicodeScalars {
            switch scalar {
            case "'": path += "\\'"
            case "\\": path += "\\\\"
            case "\u{08}": path += "\\b"
            case "\u{0C}": path += "\\f"
            case "\n": path += "\\n"
            case "\r": path += "\\r"
            case "\t": path += "\\t"
            case "\u{00}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                path += "\\u00" + (hex.count == 1 ? "0" + hex : hex)
            default: path.unicodeScalars.append(scalar)
            }
        }
    }
}
