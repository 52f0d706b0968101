// Getting an input's audio bytes: the inline ones, or a download through the outbound guard.

import SwitchyardHTTP
import SwitchyardProviders

extension TranscriptionInput {
    /// The audio's bytes: the inline ones as they are, or the body of a `GET` of the URL.
    /// - Parameters:
    ///   - client: The client for the URL; one whose ``HTTPClient/Configuration/outboundPolicy``
    ///     is the fleet's guard, since the URL comes from a tenant.
    ///   - maxBytes: The most bytes accepted, inline or downloaded.
    /// - Throws: ``ProviderError``: `audio_too_large` (permanent) over `maxBytes`; the
    ///   download's failures classified (`forbidden_url` and 4xx permanent, 429 rate-limited,
    ///   5xx, timeouts and network trouble transient); `validation` for an empty download.
    func audio(downloadingWith client: HTTPClient, maxBytes: Int) async throws(ProviderError) -> [UInt8] {
        switch source {
        case .inline(let bytes):
            guard bytes.count <= maxBytes else {
                throw Self.tooLarge("audio_base64 holds \(bytes.count) bytes, more than \(maxBytes)")
            }
            return bytes
        case .url(let url):
            let response: HTTPResponse
            do {
                response = try await client.execute(HTTPRequest(url: url, maxResponseSize: maxBytes)).requireSuccess()
            } catch let error as HTTPClientError where error.code == .responseTooLarge {
                throw Self.tooLarge("audio_url: the audio is larger than \(maxBytes) bytes")
            } catch let error as HTTPClientError {
                throw ProviderError(error, service: "audio_url")
            } catch {
                throw ProviderError(.transient, "network", "audio_url: \(error)")
            }
            guard !response.body.isEmpty else { throw Self.invalid("audio_url", "the server sent no audio") }
            return response.body
        }
    }
}
