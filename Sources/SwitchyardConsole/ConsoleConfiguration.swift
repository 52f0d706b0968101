// The console's settings, from SWITCHYARD_CONSOLE_* variables, validated at start-up.

public import Foundation
public import SwitchyardCore
import SwitchyardAPI

/// Whether the ingress serves the console, and how its sign-in behaves.
///
/// - `SWITCHYARD_CONSOLE`: `1` (default) serves `/console` on the ingress, `0` doesn't
///   (`switchyard console` serves it regardless).
/// - `SWITCHYARD_CONSOLE_SECURE_COOKIES`: `1` marks the session cookie `Secure` on every answer;
///   `0` (default) only behind TLS, as `X-Forwarded-Proto: https` says.
/// - `SWITCHYARD_CONSOLE_SIGN_IN_PER_MINUTE` (default 6) and `SWITCHYARD_CONSOLE_SIGN_IN_BURST`
///   (default 10): sign-in attempts per client address.
public struct ConsoleConfiguration: Sendable {
    /// Serve the console on the ingress.
    public var enabledOnIngress: Bool
    /// Mark the session cookie `Secure` always.
    public var alwaysSecureCookies: Bool
    /// Sign-in attempts per minute per address, sustained.
    public var signInPerMinute: Int
    /// Sign-in attempts per address in a burst.
    public var signInBurst: Int
    /// Seconds a connection of `switchyard console` may idle, and a request take to arrive
    /// (`SWITCHYARD_HTTP_IDLE_TIMEOUT`, default 60, as on the ingress).
    public var idleTimeout: Int

    /// Reads and checks the variables.
    /// - Throws: ``ConfigurationError`` naming the variable and what was wrong.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) {
        let variables = ConfigurationVariables(environment)
        enabledOnIngress = try variables.flag("SWITCHYARD_CONSOLE", default: true)
        alwaysSecureCookies = try variables.flag("SWITCHYARD_CONSOLE_SECURE_COOKIES", default: false)
        signInPerMinute = try variables.integer("SWITCHYARD_CONSOLE_SIGN_IN_PER_MINUTE", default: 6, in: 1...10_000)
        idleTimeout = try HTTPIdleTimeout.seconds(variables)
        signInBurst = try variables.integer("SWITCHYARD_CONSOLE_SIGN_IN_BURST", default: 10, in: 1...10_000)
    }
}
