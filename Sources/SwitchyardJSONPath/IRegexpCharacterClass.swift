// A set of characters of an I-Regexp: `.`, `[…]`, `[^…]`, `\p{…}`, `\P{…}`.

/// Ranges of code points and Unicode general categories, possibly negated as a whole.
struct IRegexpCharacterClass: Sendable {
    /// A general category, or a group of them (`L` is `Lu Ll Lt Lm Lo`), possibly negated
    /// (`\P{…}`).
    struct Category: Sendable {
        var members: Set<Unicode.GeneralCategory>
        var isNegated: Bool
    }

    var isNegated = false
    var ranges: [ClosedRange<UInt32>] = []
    var categories: [Category] = []

    /// `.`: any character but a line feed or a carriage return (RFC 9485, section 3.2).
    static let dot = IRegexpCharacterClass(isNegated: true, ranges: [0x0A...0x0A, 0x0D...0x0D])

    /// Whether `scalar` is in the set.
    func contains(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        var inside = ranges.contains { $0.contains(value) }
        if !inside, !categories.isEmpty {
            let category = scalar.properties.generalCategory
            inside = categories.contains { $0.members.contains(category) != $0.isNegated }
        }
        return inside != isNegated
    }

    /// The categories I-Regexp names (`charProp`), by name: `L`, `Lu`, …, `Cn`. Block escapes
    /// (`\p{IsBasicLatin}`) are not I-Regexp.
    static func category(named name: String) -> Set<Unicode.GeneralCategory>? {
        switch name {
        case "L": [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter]
        case "Lu": [.uppercaseLetter]
        case "Ll": [.lowercaseLetter]
        case "Lt": [.titlecaseLetter]
        case "Lm": [.modifierLetter]
        case "Lo": [.otherLetter]
        case "M": [.nonspacingMark, .spacingMark, .enclosingMark]
        case "Mn": [.nonspacingMark]
        case "Mc": [.spacingMark]
        case "Me": [.enclosingMark]
        case "N": [.decimalNumber, .letterNumber, .otherNumber]
        case "Nd": [.decimalNumber]
        case "Nl": [.letterNumber]
        case "No": [.otherNumber]
        case "P":
            [.connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation]
        case "Pc": [.connectorPunctuation]
        case "Pd": [.dashPunctuation]
        case "Ps": [.openPunctuation]
        case "Pe": [.closePunctuation]
        case "Pi": [.initialPunctuation]
        case "Pf": [.finalPunctuation]
        case "Po": [.otherPunctuation]
        case "Z": [.spaceSeparator, .lineSeparator, .paragraphSeparator]
        case "Zs": [.spaceSeparator]
        case "Zl": [.lineSeparator]
        case "Zp": [.paragraphSeparator]
        case "S": [.mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol]
        case "Sm": [.mathSymbol]
        case "Sc": [.currencySymbol]
        case "Sk": [.modifierSymbol]
        case "So": [.otherSymbol]
        case "C": [.control, .format, .surrogate, .privateUse, .unassigned]
        case "Cc": [.control]
        case "Cf": [.format]
        case "Co": [.privateUse]
        case "Cn": [.unassigned]
        default: nil
        }
    }
}
