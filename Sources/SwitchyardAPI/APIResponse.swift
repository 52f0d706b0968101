// Successful API answers: JSON text with its content type.

public import HTTPTypes
public import Hummingbird
public import NIOCore

/// The JSON answers of the API's routes (errors are ``APIError``).
public enum APIResponse {
    /// `text` (already JSON) as the answer, with `status`.
    public static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// `text` (already JSON) as the answer, with `status`, holding `reservation` until the body
    /// has been written, or dropped when the client went away. The body goes out in slices of
    /// ``sliceBytes``, each once `channel` has taken the one before
    /// (`ResponseWriteDeadline.whenWritable`, on every server made with `guardedHTTP1`), so the
    /// channel's buffer holds about one slice and the reservation lasts as long as the client
    /// takes to read all but the last: written at once, the whole answer waited in NIO's buffer
    /// after its reservation had been given back. A client that takes it slower than `floor`
    /// loses its connection.
    public static func json(
        _ text: String, status: HTTPResponse.Status = .ok, holding reservation: AnswerBudget.Reservation, draining channel: any Channel,
        floor: SendRateFloor
    ) -> Response {
        let buffer = ByteBuffer(string: text)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(contentLength: buffer.readableBytes) { writer in
                let started = ContinuousClock.now
                var rest = buffer
                while rest.readableBytes > 0, let slice = rest.readSlice(length: min(rest.readableBytes, sliceBytes)) {
                    try await writer.write(slice)
                    try await ResponseWriteDeadline.whenWritable(channel).get()
                    try floor.check(taken: buffer.readableBytes - rest.readableBytes, since: started)
                }
                try await writer.finish(nil)
                withExtendedLifetime(reservation) {}
            })
    }

    /// The size of the slices that ``json(_:status:holding:)`` writes.
    static let sliceBytes = 256 * 1024
}
