// The code and message of an S3 error answer (`<Error><Code>…</Code><Message>…</Message>`).

import Foundation

/// What an S3 error body says: `<Error><Code>SignatureDoesNotMatch</Code><Message>The request
/// signature we calculated does not match …</Message>…</Error>`.
struct S3ErrorResponse: Equatable {
    /// S3's error code, such as `NoSuchKey`, `AccessDenied` or `SignatureDoesNotMatch`.
    var code: String
    /// S3's sentence, if it sent one.
    var message: String?

    /// Reads an error body; `nil` when it holds no `<Code>` element.
    init?(body: [UInt8]) {
        let text = String(decoding: body.prefix(64 << 10), as: UTF8.self)
        guard let code = Self.element("Code", in: text), !code.isEmpty else { return nil }
        self.code = code
        message = Self.element("Message", in: text)
    }

    /// The text of the first `<name>…</name>` element, its XML entities decoded, at most 500
    /// characters.
    private static func element(_ name: String, in text: String) -> String? {
        guard let start = text.range(of: "<\(name)>"),
              let end = text.range(of: "</\(name)>", range: start.upperBound..<text.endIndex)
        else { return nil }
        var value = String(text[start.upperBound..<end.lowerBound].prefix(500))
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&apos;", "'"), ("&amp;", "&")] {
            value = value.replacing(entity, with: character)
        }
        return value
    }
}
