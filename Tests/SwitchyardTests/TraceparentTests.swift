import SwitchyardCore
import Testing

/// The `traceparent` check of the ingress and `switchyard publish`: the W3C form, lowercase.
@Suite struct TraceparentTests {
    static let valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    @Test func theW3CFormIsAccepted() {
        #expect(Traceparent.isValid(Self.valid))
        #expect(Traceparent.isValid("00-00000000000000000000000000000000-0000000000000000-00"))
    }

    @Test(arguments: [
        "", "nope", "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 ",
        "00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
        "00-4bf92f3577b34da6a3ce929d0e0e47é-00f067aa0ba902b7-01",
    ])
    func anythingElseIsRefused(_ text: String) {
        #expect(!Traceparent.isValid(text))
    }
}
