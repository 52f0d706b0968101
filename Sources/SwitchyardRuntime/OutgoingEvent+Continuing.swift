// Follow-up events inherit what the message that caused them carries.

import SwitchyardCore

extension OutgoingEvent {
    /// This follow-up with what it inherits from the message that caused it: the trace
    /// context, the correlation id and the tenant, unless the handler set its own.
    func continuing(_ cause: WorkMessage) -> OutgoingEvent {
        var event = self
        event.traceparent = event.traceparent ?? cause.traceparent
        event.correlationID = event.correlationID ?? cause.correlationID
        event.tenantID = event.tenantID ?? cause.tenantID
        return event
    }
}
