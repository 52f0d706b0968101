// Switchyard-Hop on the API's requests: how many workflow steps led to an event or a job.

import HTTPTypes
public import Hummingbird
import SwitchyardCore

extension Request {
    /// The request's `Switchyard-Hop` (``WorkflowHops``): 0 without the header.
    /// - Throws: ``APIError`` 400 `invalid_header` for anything but a whole number, 422
    ///   `loop_detected` at ``WorkflowHops/limit`` or more: the request comes from a chain of
    ///   workflows that has run into itself that many times.
    public func workflowHops() throws(APIError) -> Int {
        let values = headers[values: HTTPField.Name(WorkflowHops.httpHeader)!]
        guard let text = values.first else { return 0 }
        guard values.count == 1, let hops = WorkflowHops.count(text) else {
            throw APIError(
                .badRequest, "invalid_header",
                "expected one whole number 0-\(WorkflowHops.limit - 1), got '\(values.joined(separator: ", ").prefix(40))'",
                field: WorkflowHops.httpHeader)
        }
        if let loop = WorkflowHops.loop(hops) {
            throw APIError(.unprocessableContent, "loop_detected", loop, field: WorkflowHops.httpHeader)
        }
        return hops
    }
}
