// S3 failures classified like the project's other HTTP failures: transient or permanent.

import SwitchyardHTTP

extension BlobStoreError {
    /// The error for an exchange that failed before an answer: ``Code/unavailable`` when
    /// ``HTTPClientError/isTransient`` (network, timeouts), else ``Code/refused`` (TLS, an answer
    /// over the size limit, a request that can't be sent).
    /// - Parameters:
    ///   - error: The HTTP client's error.
    ///   - request: What was asked, such as `S3 GET bucket/key at http://host:9000`.
    init(_ error: HTTPClientError, request: String) {
        let detail = error.curlMessage.map { " (\($0))" } ?? ""
        self.init(error.isTransient ? .unavailable : .refused, "\(request): \(error.message)\(detail)", status: error.status)
    }

    /// The error for an answer the call can't use: ``Code/unavailable`` for 5xx, 408 and 429,
    /// ``Code/refused`` for the rest, with S3's error code and message when the body has them.
    /// - Parameters:
    ///   - response: The answer.
    ///   - request: What was asked, such as `S3 GET bucket/key at http://host:9000`.
    init(answer response: HTTPResponse, request: String) {
        let transient = response.status >= 500 || response.status == 408 || response.status == 429
        let s3 = S3ErrorResponse(body: response.body)
        var message = "\(request) was answered with HTTP \(response.status)"
        if let s3 {
            message += " \(s3.code)" + (s3.message.map { ": \($0)" } ?? "")
        } else if response.body.isEmpty {
            message += " and no error body"
        } else {
            message += ": \(String(decoding: response.body.prefix(200), as: UTF8.self))"
        }
        self.init(transient ? .unavailable : .refused, message, status: response.status, serviceCode: s3?.code)
    }
}
