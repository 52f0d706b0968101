// The answer to bytes that break HTTP/1.1's grammar or framing, in its head or in its body.

import HTTPTypes
public import NIOHTTP1

extension APIError {
    /// 400 `malformed_request`, saying in words what `error` (from NIO's HTTP parser) means.
    public static func malformedRequest(_ error: HTTPParserError) -> APIError {
        let message = switch error {
        case .headerOverflow:
            "the request's headers are larger than this server takes (80 KiB, 1000 fields)"
        case .invalidHeaderToken, .invalidCharactersUsed:
            "a header name or value holds a character HTTP does not allow (control characters, or a space in a name)"
        case .invalidContentLength, .unexpectedContentLength:
            "the Content-Length header is not a single valid length for this request"
        case .invalidChunkSize:
            "a chunk of the chunked body has an invalid size line"
        case .invalidMethod, .invalidURL, .invalidVersion, .invalidPath, .invalidQueryString:
            "the request line is not METHOD /path HTTP/1.1"
        case .paused:
            // llhttp pauses at HTTP/2's preface (`PRI * HTTP/2.0`); NIO reports the pause.
            "the request is HTTP/2's connection preface; this server speaks HTTP/1.1"
        case .lfExpected:
            "a line of the request is not ended by CRLF"
        case .unknown:
            // NIO's name for llhttp's errors it has no case of: an invalid Transfer-Encoding
            // (with a Content-Length too, or other than chunked last) or a missing CR.
            "the request's framing is not valid HTTP/1.1 (Content-Length together with Transfer-Encoding, "
                + "a Transfer-Encoding other than chunked, or a line not ended by CRLF)"
        default:
            "the request is not valid HTTP/1.1 (\(error))"
        }
        return APIError(.badRequest, "malformed_request", message)
    }
}
