// Reading Gemini's answer: the first candidate's text, unfenced, checked to be timestamped segments.

import Foundation
import SwitchyardCore
import SwitchyardHTTP
import SwitchyardProviders

extension GeminiTranscriber {
    /// The segments in a `generateContent` answer: the first candidate's text parts (not its
    /// thoughts) joined, a Markdown code fence around them removed, read as JSON.
    /// - Parameter response: Gemini's 2xx answer.
    /// - Throws: ``ProviderError`` (permanent): `content_policy` for a blocked prompt or a
    ///   candidate stopped for safety, `invalid_response` for an answer without text,
    ///   `invalid_transcription` for text that is not `{"segments": [{"start", "end", "text"}]}`
    ///   with times in seconds ≥ 0, start not after end, text a string (times are rounded to
    ///   milliseconds; other members are ignored).
    static func segments(in response: HTTPResponse) throws(ProviderError) -> [Transcription.Segment] {
        guard let answer = try? JSONDecoder().decode(JSONValue.self, from: Data(response.body)) else {
            throw ProviderError(.permanent, "invalid_response", "Gemini: the answer is not JSON", statusCode: response.status)
        }
        if let reason = answer["promptFeedback"]?["blockReason"]?.string {
            throw ProviderError(.permanent, "content_policy", "Gemini blocked the prompt: \(reason)", statusCode: response.status)
        }
        let candidate = answer["candidates"]?[0]
        let finish = candidate?["finishReason"]?.string
        if let finish, ["SAFETY", "RECITATION", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII"].contains(finish) {
            throw ProviderError(.permanent, "content_policy", "Gemini stopped for \(finish)", statusCode: response.status)
        }
        let parts = candidate?["content"]?["parts"]?.array ?? []
        let text = parts.filter { $0["thought"] != .bool(true) }.compactMap { $0["text"]?.string }.joined()
        guard !text.isEmpty else {
            throw ProviderError(
                .permanent, "invalid_response", "Gemini: the answer has no text part (finishReason \(finish ?? "none"))",
                statusCode: response.status)
        }
        let unfenced = OpenAIChatClient.unfenced(text)
        func invalid(_ problem: String) -> ProviderError {
            ProviderError(.permanent, "invalid_transcription", "Gemini's transcript \(problem): \(unfenced.prefix(120))", statusCode: response.status)
        }
        guard let transcript = try? JSONDecoder().decode(JSONValue.self, from: Data(unfenced.utf8)) else {
            throw invalid("is not JSON (finishReason \(finish ?? "none"))")
        }
        guard let items = transcript["segments"]?.array else {
            throw invalid("is not an object with a segments array")
        }
        // Each {"start": number ≥ 0, "end": number ≥ start, "text": string}; other members ignored.
        return try items.enumerated().map { (index, item) throws(ProviderError) in
            func seconds(_ key: String) throws(ProviderError) -> Double {
                let value: Double? = switch item[key] {
                case .int(let number)?: Double(number)
                case .double(let number)?: number
                default: nil
                }
                guard let value, value.isFinite, value >= 0 else {
                    throw invalid("has segments[\(index)].\(key) that is not a number of seconds ≥ 0")
                }
                return (value * 1000).rounded() / 1000
            }
            let start = try seconds("start"), end = try seconds("end")
            guard start <= end else { throw invalid("has segments[\(index)] ending (\(end)) before it starts (\(start))") }
            guard let text = item["text"]?.string else { throw invalid("has segments[\(index)].text that is not a string") }
            return Transcription.Segment(start: start, end: end, text: text)
        }
    }
}
