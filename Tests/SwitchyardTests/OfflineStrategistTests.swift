// The offline strategist's carousels pass the strategy's own checks for any prompt the API takes.

import SwitchyardCore
import SwitchyardImages
import Testing

struct OfflineStrategistTests {
    /// Prompts the API accepts (up to 2,000 characters) that are one long word: the outline
    /// copied the word into every body and image prompt, past their limits, so each such
    /// generation failed after its repair.
    @Test(arguments: [
        String(repeating: "a", count: 2_000), String(repeating: "W", count: 2_000), String(repeating: "\u{FDFA}", count: 1_000),
        String(repeating: "\u{1242B}", count: 1_000), String(repeating: "Ⅷ", count: 2_000),
        "Five ways to " + String(repeating: "rest", count: 490) + " better. And more.",
    ])
    func aPromptOfLongWordsGivesAValidCarousel(prompt: String) async throws {
        let answer = try await OfflineStrategist().strategy(for: prompt, slideCount: 10, repairing: [])
        let checked = CarouselStrategy.validated(answer, slideCount: 10)
        if case .failure(let problems) = checked { Issue.record("\(problems)") }
    }
}
