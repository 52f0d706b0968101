// GET /openapi.json: the OpenAPI 3.1 description of every route the ingress serves, kept as a
// resource file (Resources/openapi.json) with shared components.

import Foundation

/// The ingress's OpenAPI 3.1 document. The tests check that every route the router serves is
/// documented and every documented path is routed, and schemathesis checks that the server
/// behaves as the document says.
enum OpenAPIDocument {
    /// Why the document could not be loaded.
    struct MissingResource: Error, CustomStringConvertible {
        var description: String
    }

    /// The document's text, read from the module's resources.
    /// - Throws: ``MissingResource`` when the resource bundle isn't beside the executable (a
    ///   packaging mistake, reported at start-up).
    static func load() throws -> String {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json") else {
            throw MissingResource(description: "openapi.json is missing from the SwitchyardIngress resources (is the resource bundle beside the switchyard executable?)")
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        guard (try? JSONSerialization.jsonObject(with: Data(text.utf8))) != nil else {
            throw MissingResource(description: "openapi.json in the SwitchyardIngress resources is not valid JSON")
        }
        return text
    }
}
