// The `name=value` pairs of a URL or connection string whose names look like they hold secrets.

/// Finds `password=...`, `api_key = '...'`, `X-Amz-Signature=...` and the like in one pass, in
/// time linear in the text: configuration values are shown in errors whatever their length, so
/// this must not backtrack (the regular expression it replaces took a minute on a 10,000
/// character value).
enum SecretParameters {
    /// A pair's name (the characters before `=`, without the spaces between) and value.
    struct Parameter {
        var name: Range<String.Index>
        var value: Range<String.Index>
    }

    /// Name parts that make a name secret, compared without case.
    static let secretWords = ["pass", "secret", "token", "key", "sig", "auth", "credential"]

    /// Whether a name holds one of ``secretWords``.
    static func looksSecret(_ name: Substring) -> Bool {
        let lowered = name.lowercased()
        return secretWords.contains { lowered.contains($0) }
    }

    /// Every secret-named pair, left to right, not overlapping. A name is the run of name
    /// characters before `=` (spaces allowed between); the value, after any spaces, is a
    /// `'quoted'` text (libpq's `password='a b'`) or runs to `&`, a space or a quote.
    static func find(in text: String) -> [Parameter] {
        let scalars = text.unicodeScalars
        var found: [Parameter] = []
        var searchFrom = scalars.startIndex
        while let equals = scalars[searchFrom...].firstIndex(of: "=") {
            var nameEnd = equals
            while nameEnd > searchFrom, scalars[scalars.index(before: nameEnd)].properties.isWhitespace {
                nameEnd = scalars.index(before: nameEnd)
            }
            var nameStart = nameEnd
            while nameStart > searchFrom, scalars[scalars.index(before: nameStart)].isNameCharacter {
                nameStart = scalars.index(before: nameStart)
            }
            guard looksSecret(text[nameStart..<nameEnd]) else {
                searchFrom = scalars.index(after: equals)
                continue
            }
            var valueStart = scalars.index(after: equals)
            while valueStart < scalars.endIndex, scalars[valueStart].properties.isWhitespace {
                valueStart = scalars.index(after: valueStart)
            }
            let valueEnd = endOfValue(in: scalars, from: valueStart)
            found.append(Parameter(name: nameStart..<nameEnd, value: valueStart..<valueEnd))
            searchFrom = valueEnd
        }
        return found
    }

    /// Where a value that starts at `start` ends.
    private static func endOfValue(in scalars: String.UnicodeScalarView, from start: String.Index) -> String.Index {
        if start < scalars.endIndex, scalars[start] == "'",
           let closing = scalars[scalars.index(after: start)...].firstIndex(of: "'") {
            return scalars.index(after: closing)
        }
        var end = start
        while end < scalars.endIndex {
            let scalar = scalars[end]
            if scalar == "&" || scalar == "'" || scalar == "\"" || scalar.properties.isWhitespace { break }
            end = scalars.index(after: end)
        }
        return end
    }
}
