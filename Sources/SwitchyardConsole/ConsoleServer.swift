// `switchyard console --port N`: the console on a port of its own, without the ingress.

public import Hummingbird
import Logging
import SwitchyardAPI

extension Console {
    /// An HTTP server with only the console's routes (and `/healthz`), listening on every
    /// interface at `port`; `/` leads to `/console`. Its connections have the ingress's guards
    /// (`HTTPServerBuilder.guardedHTTP1(idleTimeoutSeconds:)`), and an unknown path or method is a JSON
    /// error, as on the ingress.
    /// - Parameters:
    ///   - port: The port.
    ///   - idleTimeout: Seconds a connection may idle, and a request take to arrive
    ///     (`SWITCHYARD_HTTP_IDLE_TIMEOUT`).
    public func application(port: Int, idleTimeout: Int = 60) -> some ApplicationProtocol {
        let router = Router<IngressRequestContext>.answeringErrorsAsJSON { router in
            addRoutes(to: router)
            router.get("/") { _, _ in ConsolePage.redirect(to: "/console") }
            router.get("healthz") { _, _ in APIResponse.json(#"{"status":"ok"}"#) }
        }
        return Application(
            router: router, server: .guardedHTTP1(idleTimeoutSeconds: idleTimeout),
            configuration: .init(address: .hostname("0.0.0.0", port: port), serverName: "switchyard-console"), logger: logger)
    }
}
