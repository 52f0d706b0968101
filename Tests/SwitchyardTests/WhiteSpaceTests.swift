// White space without NSString: the same answers as Foundation's whitespacesAndNewlines.

import Foundation
import SwitchyardCore
import Testing

@Suite struct WhiteSpaceTests {
    @Test func blankAndTrimmedAgreeWithFoundationForEveryScalarOfTheBasicPlane() {
        var disagreements: [String] = []
        for value in UInt32(0)...0xFFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            for text in [String(scalar), " \(scalar)\u{3000}", "\(scalar)\u{301}"] {
                if text.isBlank != text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    disagreements.append("isBlank U+\(String(value, radix: 16))")
                }
                let padded = "\(text)x\(text)"
                if padded.trimmingWhiteSpace() != padded.trimmingCharacters(in: .whitespacesAndNewlines) {
                    disagreements.append("trimmed U+\(String(value, radix: 16))")
                }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
    }

    @Test func zeroWidthSpaceCountsAsFoundationCountsIt() {
        #expect("\u{200B}\n\u{3000}".isBlank)
        #expect("\u{200B} a\u{A0}\u{200B}".trimmingWhiteSpace() == "a")
        #expect(!"\u{200C}".isBlank, "a zero-width non-joiner is not white space")
        #expect("".isBlank)
        #expect("  \t".trimmingWhiteSpace() == "")
    }
}
