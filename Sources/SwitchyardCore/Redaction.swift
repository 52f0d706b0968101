// The one way a URL or connection string reaches a message, a log line or the terminal:
// with its credentials replaced by `***`.

import Foundation

/// Keeps secrets out of what is shown: passwords in URLs and connection strings, and
/// secret-looking parameters (`password=`, `token=`, `api_key=`, `signature=`, ...).
///
/// ```swift
/// Redaction.url("postgresql://app:s3cret@db/app")   // postgresql://app:***@db/app
/// Redaction.url("postgresql://app:s3cret@[bad")     // postgresql://***@[bad
/// ```
public enum Redaction {
    /// What a redacted secret is replaced with.
    public static let mask = "***"

    /// `url` fit to show: a URL that parses keeps everything but its password and the values of
    /// secret-looking query parameters; one that doesn't (or a `key=value` connection string)
    /// has everything between `//` and the last `@` replaced, and secret-looking `name=value`
    /// pairs masked.
    /// - Parameter url: A URL or libpq connection string, as configured.
    /// - Returns: The same with its secrets replaced by ``mask``.
    public static func url(_ url: String) -> String {
        if let components = URLComponents(string: url), components.scheme != nil, let shown = redacted(components) {
            return shown
        }
        var text = url
        if let slashes = text.range(of: "//"), let at = text[slashes.upperBound...].lastIndex(of: "@") {
            text.replaceSubrange(slashes.upperBound..<at, with: mask)
        }
        var shown = ""
        var rest = text.startIndex
        for parameter in SecretParameters.find(in: text) {
            shown += text[rest..<parameter.name.upperBound] + "=" + mask
            rest = parameter.value.upperBound
        }
        return shown + text[rest...]
    }

    /// `message` (a library's error text, which may quote the URL it was given, in whole or in
    /// part) with every secret of `url` in it replaced: the URL itself by its ``url(_:)`` form,
    /// then its password and secret parameter values wherever they still appear.
    /// - Parameters:
    ///   - message: The text to show.
    ///   - url: The URL or connection string whose secrets must not appear in it.
    /// - Returns: The message with those secrets replaced by ``mask``.
    public static func message(_ message: String, hiding url: String) -> String {
        var text = message.replacing(url, with: Self.url(url))
        for secret in secrets(of: url).sorted(by: { $0.count > $1.count }) {
            text = text.replacing(secret, with: mask)
        }
        return text
    }

    /// Whether a query parameter's name looks like it holds a secret.
    private static func isSecret(name: String) -> Bool {
        name.unicodeScalars.allSatisfy(\.isNameCharacter) && SecretParameters.looksSecret(name[...])
    }

    /// A parsed URL without its password and secret parameter values, or nil when it can't be
    /// put back together.
    private static func redacted(_ components: URLComponents) -> String? {
        var components = components
        if components.password != nil { components.password = mask }
        if let items = components.queryItems, items.contains(where: { isSecret(name: $0.name) }) {
            components.queryItems = items.map { isSecret(name: $0.name) ? URLQueryItem(name: $0.name, value: mask) : $0 }
        }
        return components.string
    }

    /// The secret parts of `url` as they may be quoted: the password (as written and decoded)
    /// and the values of secret-looking parameters.
    private static func secrets(of url: String) -> Set<String> {
        var secrets = Set<String>()
        if let slashes = url.range(of: "//"), let at = url[slashes.upperBound...].lastIndex(of: "@"),
           let colon = url[slashes.upperBound..<at].firstIndex(of: ":") {
            let password = String(url[url.index(after: colon)..<at])
            secrets.insert(password)
            if let decoded = password.removingPercentEncoding { secrets.insert(decoded) }
        }
        for parameter in SecretParameters.find(in: url) {
            let value = String(url[parameter.value])
            secrets.insert(value)
            if value.hasPrefix("'"), value.hasSuffix("'"), value.count >= 2 { secrets.insert(String(value.dropFirst().dropLast())) }
            if let decoded = value.removingPercentEncoding { secrets.insert(decoded) }
        }
        return secrets.filter { !$0.isEmpty && $0 != "''" }
    }
}
