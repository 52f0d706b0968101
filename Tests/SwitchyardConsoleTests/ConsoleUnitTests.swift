import Testing

@testable import SwitchyardConsole

/// The pieces of the console that need no server: escaping, forms, redirects, CSRF tokens.
@Suite struct ConsoleUnitTests {
    @Test func interpolatedTextIsEscapedAndMarkupIsNot() {
        let hostile = #"<script>alert("x")</script> & 'quoted'"#
        let cell: HTML = "<td title=\"\(hostile)\">\(hostile)</td>"
        #expect(cell.rendered == #"<td title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;">"#
            + #"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;</td>"#)
        let inner: HTML = "<b>\(1 + 2)</b>"
        let outer: HTML = "<p>\(inner)\(String?.none)</p>"
        #expect(outer.rendered == "<p><b>3</b>-</p>", "HTML goes in as it is; a missing value shows as a dash")
    }

    @Test func formFieldsDecodeEscapesPlusSignsAndRepeatedNames() {
        let fields = FormFields(encoded: "id=1&id=22&queue=sy.work.probe&error_class=a+b%2Fc&empty=&bad=%zz&csrf=x%3D")
        #expect(fields.all("id") == ["1", "22"])
        #expect(fields["error_class"] == "a b/c")
        #expect(fields["empty"] == nil, "an empty value counts as absent")
        #expect(fields["bad"] == "%zz", "a malformed escape is kept as it came")
        #expect(fields["csrf"] == "x=")
        #expect(fields["missing"] == nil)
    }

    @Test func aSignInOnlyEverLeadsIntoTheConsole() {
        #expect(Console.consolePath("/console") == "/console")
        #expect(Console.consolePath("/console/dead-letters?queue=sy.work.probe") == "/console/dead-letters?queue=sy.work.probe")
        for hostile in ["https://evil.example/console", "//evil.example/console", "/console//evil", "/consoles", "/v1/jobs",
                        "/console/\\evil", "/console/\u{0}x", "/console/ x", nil] {
            #expect(Console.consolePath(hostile) == nil, "\(hostile ?? "nil")")
        }
    }

    @Test func aCSRFTokenBelongsToItsSessionOnly() {
        let one = Operators.randomSecret()
        let two = Operators.randomSecret()
        #expect(one.count == 43 && one != two)
        let token = Operators.csrfToken(forSession: one)
        #expect(Operators.isCSRFToken(token, forSession: one))
        #expect(!Operators.isCSRFToken(token, forSession: two))
        #expect(!Operators.isCSRFToken("", forSession: one))
        #expect(!Operators.isCSRFToken(String(token.dropLast()), forSession: one))
    }

    @Test func theDepthChartSaysItsRangeInWords() {
        let chart = Console.sparkline([0, 4, 2, 8, 3]).rendered
        #expect(chart.contains(#"aria-label="depth over the last hour: between 0 and 8, now 3""#), "\(chart)")
        #expect(chart.contains("<polyline points=\"0.0,23.0 30.0,12.0"), "\(chart)")
        #expect(Console.sparkline([5]).rendered.contains("-"), "one sample is no chart")
    }
}
