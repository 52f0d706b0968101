// Text from messages made safe to print on an operator's terminal.

extension String {
    /// The text with every control character written out as `\u{XX}` — C0 (ESC included),
    /// DEL and C1 (whose CSI, U+009B, some terminals obey) — so a dead letter's error or body
    /// can't move the cursor, clear the screen or retitle the window. Newlines and tabs stay
    /// when `keepingLayout` (a pretty-printed body), else newlines become `\n` too, so one
    /// field stays on its line.
    /// - Parameter keepingLayout: Whether `\n` and `\t` are printed as they are.
    func terminalSafe(keepingLayout: Bool = false) -> String {
        var safe = ""
        safe.unicodeScalars.reserveCapacity(unicodeScalars.count)
        for scalar in unicodeScalars {
            switch scalar.value {
            case 0x0A where keepingLayout, 0x09 where keepingLayout:
                safe.unicodeScalars.append(scalar)
            case 0x0A:
                safe += "\\n"
            case 0x00...0x1F, 0x7F...0x9F:
                safe += "\\u{\(String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2))}"
            default:
                safe.unicodeScalars.append(scalar)
            }
        }
        return safe
    }

    private func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
