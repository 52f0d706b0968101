// Strings quoted in messages as the tenant wrote them in JSON, not as Swift's debugDescription
// escapes them (which turns `$['a b']` into `$[\'a b\']`).

extension String {
    /// The string as a JSON string literal: in double quotes, with `"`, `\` and control
    /// characters escaped.
    var jsonQuoted: String {
        var quoted = "\""
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                quoted += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }
}
