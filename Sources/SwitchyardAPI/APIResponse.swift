// Successful API answers: JSON text with its content type.

public import HTTPTypes
public import Hummingbird

/// The JSON answers of the API's routes (errors are ``APIError``).
public enum APIResponse {
    /// `text` (already JSON) as the answer, with `status`.
    public static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
