// The energy segmenter's rules on signals whose answer is known: bursts, silence, noise, clicks.

import SwitchyardTranscription
import Testing

@Suite struct EnergySegmenterTests {
    let segmenter = EnergySegmenter()

    @Test func twoTonesInSilenceAreTwoSegmentsWithinSixtyMilliseconds() {
        let samples = Signal.tones([0.5...1.5, 2.5...3.0], duration: 4, sampleRate: 16_000)
        let segments = segmenter.segments(samples: samples, sampleRate: 16_000)
        expectBoundaries(segments, [(0.5, 1.5), (2.5, 3.0)])
        #expect(segments.allSatisfy { $0.text == nil })
    }

    @Test(arguments: [nil, -90.0, -70.0, -55.0])
    func silenceAndBackgroundNoiseAloneGiveNothing(noiseDBFS: Double?) {
        let samples = Signal.noise(duration: 3, sampleRate: 16_000, dBFS: noiseDBFS)
        #expect(segmenter.segments(samples: samples, sampleRate: 16_000).isEmpty)
    }

    @Test func aSoundThatNeverStopsHasNoBackgroundAndGivesNothing() {
        let hum = Signal.tones([0...2], duration: 2, sampleRate: 8_000)
        #expect(segmenter.segments(samples: hum, sampleRate: 8_000).isEmpty)
        let hiss = Signal.noise(duration: 2, sampleRate: 8_000, dBFS: -30)
        #expect(segmenter.segments(samples: hiss, sampleRate: 8_000).isEmpty)
    }

    @Test func toneBurstsStandOutOfNoiseOnlyWhenLoudEnough() {
        let clear = Signal.tones([1.0...2.0], duration: 3, sampleRate: 16_000, noiseDBFS: -40)
        expectBoundaries(segmenter.segments(samples: clear, sampleRate: 16_000), [(1.0, 2.0)])
        let buried = Signal.tones([1.0...2.0], duration: 3, sampleRate: 16_000, amplitude: 0.01, noiseDBFS: -40)
        #expect(segmenter.segments(samples: buried, sampleRate: 16_000).isEmpty, "a -43 dBFS tone in -40 dBFS noise")
    }

    @Test func clicksShorterThanTheMinimumAreDropped() {
        let samples = Signal.tones([0.5...0.56, 1.5...1.58, 2.0...2.5], duration: 3, sampleRate: 16_000)
        expectBoundaries(segmenter.segments(samples: samples, sampleRate: 16_000), [(2.0, 2.5)])
    }

    @Test func shortPausesAreMergedLongOnesSplit() {
        let samples = Signal.tones([0.5...1.0, 1.15...1.6, 2.2...2.6], duration: 3, sampleRate: 16_000)
        expectBoundaries(segmenter.segments(samples: samples, sampleRate: 16_000), [(0.5, 1.6), (2.2, 2.6)])
    }

    @Test func hysteresisKeepsADippingSoundInOneStretch() {
        // In -60 dBFS noise, on is -48 dBFS and off -54: a -51 dBFS tone starts nothing alone,
        // but does not end a stretch that a loud tone started.
        let quiet = Signal.tones([1.0...1.5], duration: 2.5, sampleRate: 16_000, amplitude: 0.004)
        let noise = Signal.noise(duration: 2.5, sampleRate: 16_000, dBFS: -60)
        #expect(segmenter.segments(samples: zip(noise, quiet).map(+), sampleRate: 16_000).isEmpty)
        let loud = Signal.tones([0.5...1.0, 1.5...2.0], duration: 2.5, sampleRate: 16_000, noiseDBFS: -60)
        expectBoundaries(segmenter.segments(samples: zip(loud, quiet).map(+), sampleRate: 16_000), [(0.5, 2.0)])
    }

    @Test func soundAtTheVeryEdgesIsClampedToTheAudio() {
        let samples = Signal.tones([0...0.5, 1.5...2.0], duration: 2, sampleRate: 44_100)
        let segments = segmenter.segments(samples: samples, sampleRate: 44_100)
        expectBoundaries(segments, [(0, 0.5), (1.5, 2.0)])
        #expect(segments.first?.start ?? -1 >= 0 && segments.last?.end ?? 3 <= 2)
    }

    @Test func emptyAndTinyInputsGiveNothing() {
        #expect(segmenter.segments(samples: [], sampleRate: 8_000).isEmpty)
        #expect(segmenter.segments(samples: [0.5, -0.5, 0.5], sampleRate: 8_000).isEmpty)
    }

    @Test func timesAreRoundedToMilliseconds() {
        let samples = Signal.tones([0.3333...1.7777], duration: 2.5, sampleRate: 22_050)
        for segment in segmenter.segments(samples: samples, sampleRate: 22_050) {
            #expect((segment.start * 1000).rounded() / 1000 == segment.start)
            #expect((segment.end * 1000).rounded() / 1000 == segment.end)
        }
    }

    @Test func fiveMinutesAtFortyEightKilohertzAreOnePass() {
        let samples = Signal.tones((0..<100).map { Double($0) * 3 + 1 ... Double($0) * 3 + 2 }, duration: 300, sampleRate: 48_000)
        let start = ContinuousClock.now
        let segments = segmenter.segments(samples: samples, sampleRate: 48_000)
        let elapsed = ContinuousClock.now - start
        #expect(segments.count == 100)
        #expect(elapsed < .seconds(10), "\(elapsed): linear work, well under a second even in a debug build")
    }
}

/// Expects exactly `expected.count` segments, each boundary within 60 ms of the expected one.
func expectBoundaries(
    _ segments: [SwitchyardTranscription.Transcription.Segment], _ expected: [(Double, Double)],
    tolerance: Double = 0.060, sourceLocation: SourceLocation = #_sourceLocation
) {
    let found = segments.map { "\($0.start)-\($0.end)" }.joined(separator: ", ")
    #expect(segments.count == expected.count, "found \(found)", sourceLocation: sourceLocation)
    for (segment, (start, end)) in zip(segments, expected) {
        #expect(abs(segment.start - start) <= tolerance && abs(segment.end - end) <= tolerance,
                "expected \(start)-\(end), found \(found)", sourceLocation: sourceLocation)
    }
}
