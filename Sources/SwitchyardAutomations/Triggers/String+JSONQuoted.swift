// Strings quoted in messages as the tenant wrote them in JSON, not as Swift's debugDescription
// escapes them (which turns `$['a b']` into `$[\'a b\']`).

import SwitchyardCore

extension String {
    /// The string as a JSON string literal, as messages quote it (``JSONValue/excerpt(_:)``):
    /// in double quotes, with `"`, `\` and control characters escaped, cut after 200 characters.
    var jsonQuoted: String {
        JSONValue.string(self).excerpt(200)
    }
}
