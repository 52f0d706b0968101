// Mapping libcurl result codes onto HTTPClientError codes.

import CSwitchyardCurl

extension HTTPClientError {
    /// The error for a failed libcurl call (cancellation and the size limit are decided by the
    /// worker before it gets here).
    /// - Parameters:
    ///   - code: The libcurl result.
    ///   - curlMessage: libcurl's description (error buffer or `curl_easy_strerror`).
    ///   - connected: Whether a connection had been established, which tells a total timeout
    ///     from a connection timeout.
    init(curlCode code: CURLcode, curlMessage: String, connected: Bool) {
        let (kind, message): (Code, String) =
            switch code {
            case CURLE_OPERATION_TIMEDOUT:
                connected
                    ? (.timeout, "the request timed out")
                    : (.connectTimeout, "timed out before a connection was established")
            case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
                (.connectionFailed, "could not resolve the host name")
            case CURLE_COULDNT_CONNECT:
                (.connectionFailed, "could not connect")
            case CURLE_GOT_NOTHING:
                (.connectionFailed, "the server closed the connection without responding")
            case CURLE_PARTIAL_FILE:
                (.connectionFailed, "the server closed the connection before the body was complete")
            case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_PROXY:
                (.connectionFailed, "the connection failed")
            case CURLE_SSL_CONNECT_ERROR:
                (.tlsHandshake, "the TLS handshake failed")
            case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE,
                CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
                CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT, CURLE_SSL_ENGINE_NOTFOUND,
                CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_USE_SSL_FAILED:
                (.tls, "TLS verification or setup failed")
            case CURLE_URL_MALFORMAT, CURLE_BAD_FUNCTION_ARGUMENT:
                (.invalidRequest, "libcurl rejected the request")
            case CURLE_TOO_MANY_REDIRECTS:
                (.invalidResponse, "the server redirected more times than the client follows")
            case CURLE_WEIRD_SERVER_REPLY:
                (.invalidResponse, "the server's reply is not HTTP")
            case CURLE_UNSUPPORTED_PROTOCOL:
                // A request's own scheme is checked before libcurl sees it (`validate()`).
                (.invalidResponse, "the server answered in a protocol the client doesn't take (HTTP/0.9, or a redirect to a scheme other than http or https)")
            case CURLE_ABORTED_BY_CALLBACK:
                (.cancelled, "the request was cancelled")
            default:
                (.transferFailed, "the transfer failed")
            }
        self.init(code: kind, message: message, curlCode: Int(code.rawValue), curlMessage: curlMessage)
    }
}
