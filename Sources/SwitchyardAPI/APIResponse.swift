// Successful API answers: JSON text with its content type.

public import HTTPTypes
public import Hummingbird

/// The JSON answers of the API's routes (errors are ``APIError``).
public enum APIResponse {
    /// `text` (already JSON) as the answer, with `status`.
    public static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// `text` (already JSON) as the answer, with `status`, holding `reservation` until the body
    /// has been written, or dropped when the client went away. The body goes out in slices of
    /// ``sliceBytes``: a write waits while the connection is not writable, so when the last one
    /// returns at most about a slice is still queued, where one whole write would return at once
    /// and leave all of it queued behind a client that does not read.
    public static func json(_ text: String, status: HTTPResponse.Status = .ok, holding reservation: AnswerBudget.Reservation) -> Response {
        let buffer = ByteBuffer(string: text)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(contentLength: buffer.readableBytes) { writer in
                var rest = buffer
                while rest.readableBytes > 0, let slice = rest.readSlice(length: min(rest.readableBytes, sliceBytes)) {
                    try await writer.write(slice)
                }
                try await writer.finish(nil)
                withExtendedLifetime(reservation) {}
            })
    }

    /// The size of the slices that ``json(_:status:holding:)`` writes.
    static let sliceBytes = 256 * 1024
}
