// The substring a `contains` condition looks for, prepared once so that a search takes time
// linear in the string (Knuth-Morris-Pratt over UTF-8 bytes).

/// A string to look for inside others, compared by code points (UTF-8 bytes), not by Swift's
/// canonical equivalence: `"e\u{301}"` contains `"e"`.
struct TriggerSubstring: Sendable {
    private let bytes: [UInt8]
    /// For each prefix `bytes[...i]`, the length of its longest proper prefix that is also its
    /// suffix: where a search goes on after a mismatch instead of starting over.
    private let fallback: [Int]

    /// Prepares `needle`.
    init(_ needle: String) {
        bytes = Array(needle.utf8)
        var fallback = Array(repeating: 0, count: bytes.count)
        var length = 0
        for index in bytes.indices.dropFirst() {
            while length > 0, bytes[index] != bytes[length] { length = fallback[length - 1] }
            if bytes[index] == bytes[length] { length += 1 }
            fallback[index] = length
        }
        self.fallback = fallback
    }

    /// Whether it occurs in `text`; the empty string occurs in every string.
    func occurs(in text: String) -> Bool {
        guard !bytes.isEmpty else { return true }
        var matched = 0
        for byte in text.utf8 {
            while matched > 0, byte != bytes[matched] { matched = fallback[matched - 1] }
            if byte == bytes[matched] { matched += 1 }
            if matched == bytes.count { return true }
        }
        return false
    }
}
