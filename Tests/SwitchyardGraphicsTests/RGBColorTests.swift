// Colours: #RRGGBB, colours derived from prompts, the text colour that reads on them.

@testable import SwitchyardGraphics
import Testing

@Suite struct RGBColorTests {
    @Test func hexParsesExactlyHashAndSixDigits() {
        #expect(RGBColor(hex: "#1E3A5F") == RGBColor(r: 0x1E, g: 0x3A, b: 0x5F))
        #expect(RGBColor(hex: "#ff00aa") == RGBColor(r: 255, g: 0, b: 170))
        for text in ["1E3A5F", "#1E3A5", "#1E3A5F0", "#1E3A5G", "#+E3A5F", "# E3A5F", "", "#１E3A5F"] {
            #expect(RGBColor(hex: text) == nil, "'\(text)'")
        }
        #expect(RGBColor(r: 0x0A, g: 0xB0, b: 0xFF).hex == "#0AB0FF")
        #expect(RGBColor(hex: RGBColor(r: 1, g: 2, b: 3).hex) == RGBColor(r: 1, g: 2, b: 3))
    }

    @Test func theSamePromptGivesTheSameColoursAndDifferentPromptsDifferentOnes() {
        let prompt = "Five tips for remote onboarding"
        #expect(RGBColor.derived(from: prompt) == RGBColor.derived(from: prompt))
        #expect(RGBColor.derivedAccent(from: prompt) == RGBColor.derivedAccent(from: prompt))
        let prompts = [prompt, "Five tips for remote onboarding.", "Why we moved to Postgres", "A carousel about sourdough", "Q3 results", ""]
        #expect(Set(prompts.map(RGBColor.derived(from:))).count == prompts.count)
        // Pinned: another hash or palette would change the look of every generation made so far.
        #expect(RGBColor.derived(from: prompt).hex == "#2E6F20")
        #expect(RGBColor.derivedAccent(from: prompt).hex == "#CCBAF3")
    }

    @Test func derivedBackgroundsCarryWhiteTextAndTheirAccentsStandOut() {
        for number in 0..<500 {
            let prompt = "prompt number \(number)"
            let background = RGBColor.derived(from: prompt), accent = RGBColor.derivedAccent(from: prompt)
            #expect(background.contrastingText == .white, "\(prompt): \(background)")
            #expect(Self.contrast(.white, background) >= 4.5, "\(prompt): \(background)")
            #expect(Self.contrast(accent, background) >= 2.8, "\(prompt): \(accent) on \(background)")
        }
    }

    @Test func lightBackgroundsGetDarkText() {
        #expect(RGBColor(hex: "#F5F0E1")?.contrastingText == .ink)
        #expect(RGBColor(hex: "#FFD400")?.contrastingText == .ink)
        #expect(RGBColor(hex: "#000000")?.contrastingText == .white)
        #expect(RGBColor(hex: "#1E3A5F")?.contrastingText == .white)
    }

    /// The WCAG contrast ratio of two colours.
    private static func contrast(_ first: RGBColor, _ second: RGBColor) -> Double {
        let (lighter, darker) = (max(first.relativeLuminance, second.relativeLuminance), min(first.relativeLuminance, second.relativeLuminance))
        return (lighter + 0.05) / (darker + 0.05)
    }
}
