// Finding the stretches of speech in a signal by their energy: the offline transcriber's ear.

import Foundation

/// Finds where speech (or any sound well above the background) starts and ends.
///
/// The signal is cut into ``Configuration/hop``-long blocks; each frame spans
/// ``Configuration/frameLength`` of them (30 ms frames every 10 ms by default) and its energy
/// is its RMS in dBFS (a full-scale sine is -3 dBFS). The background is the
/// ``Configuration/noisePercentile`` of all frame energies. A stretch starts at a frame at or
/// above the *on* threshold and lasts while frames stay at or above the lower *off* threshold
/// (hysteresis, so a voice that dips briefly does not end it):
///
/// - on = max(``Configuration/absoluteFloor``, background + ``Configuration/onMargin``): never
///   below the absolute floor, so silence and faint hiss give nothing;
/// - off = ``Configuration/hysteresis`` below on, but no closer to the background than half of
///   that, so noise does not hold a stretch open.
///
/// A sound that never stops (a hum, steady hiss, a tone from end to end) has no background to
/// stand out from and gives nothing; speech, even without pauses, dips between syllables.
///
/// Stretches less than ``Configuration/maximumGap`` apart are merged, then those shorter than
/// ``Configuration/minimumSpeech`` (clicks, pops) dropped. A stretch runs from the centre of its
/// first frame to the centre of its last, widened by half a hop on each side, in seconds
/// rounded to milliseconds.
///
/// The work is one pass over the samples and a sort of the frame energies (100 per second of
/// audio): about 12 ms for five minutes at 48 kHz in a release build, so it runs on the
/// caller's task.
public struct EnergySegmenter: Sendable {
    /// The settings.
    public let configuration: Configuration

    /// Creates a segmenter.
    /// - Parameter configuration: Its settings; the defaults unless given.
    /// - Precondition: `hop` and `frameLength` are positive, `noisePercentile` is in 0 ... 1, and
    ///   `hysteresis`, `minimumSpeech` and `maximumGap` are not negative.
    public init(configuration: Configuration = Configuration()) {
        precondition(configuration.hop > 0 && configuration.frameLength > 0, "hop and frameLength must be positive")
        precondition((0...1).contains(configuration.noisePercentile), "noisePercentile must be in 0...1")
        precondition(
            configuration.hysteresis >= 0 && configuration.minimumSpeech >= 0 && configuration.maximumGap >= 0,
            "hysteresis, minimumSpeech and maximumGap must not be negative")
        self.configuration = configuration
    }

    /// The stretches of sound in `samples`, in time order, without text.
    /// - Parameters:
    ///   - samples: One channel, full scale ±1.
    ///   - sampleRate: Samples per second.
    /// - Returns: The segments, start and end in seconds rounded to milliseconds.
    /// - Precondition: `sampleRate` > 0.
    public func segments(samples: [Float], sampleRate: Int) -> [Transcription.Segment] {
        precondition(sampleRate > 0, "sampleRate must be positive")
        let rate = Double(sampleRate)
        let hop = max(1, Int((configuration.hop * rate).rounded()))
        let energies = frameEnergies(samples, hop: hop)
        guard !energies.isEmpty else { return [] }
        let background = energies.sorted()[Int(Double(energies.count - 1) * configuration.noisePercentile)]
        let on = max(configuration.absoluteFloor, background + configuration.onMargin)
        let off = min(on, max(on - configuration.hysteresis, background + configuration.hysteresis / 2))

        // Frame ranges at or above the thresholds, with hysteresis.
        var runs: [ClosedRange<Int>] = []
        var runStart: Int?
        for (frame, energy) in energies.enumerated() {
            if let start = runStart, energy < off {
                runs.append(start...frame - 1)
                runStart = nil
            } else if runStart == nil, energy >= on {
                runStart = frame
            }
        }
        if let start = runStart { runs.append(start...energies.count - 1) }

        // In seconds: centre of the first frame - hop/2 ... centre of the last frame + hop/2.
        let frameSamples = min(frameBlocks * hop, samples.count)
        let duration = Double(samples.count) / rate
        var stretches: [(start: Double, end: Double)] = []
        for run in runs {
            let start = max(0, (Double(run.lowerBound * hop) + Double(frameSamples - hop) / 2) / rate)
            let end = min(duration, (Double(run.upperBound * hop) + Double(frameSamples + hop) / 2) / rate)
            if let last = stretches.last, start - last.end < configuration.maximumGap {
                stretches[stretches.count - 1].end = end
            } else {
                stretches.append((start, end))
            }
        }
        return stretches.filter { $0.end - $0.start >= configuration.minimumSpeech }.map {
            Transcription.Segment(start: Self.milliseconds($0.start), end: Self.milliseconds($0.end), text: nil)
        }
    }

    /// How many hops one frame spans.
    private var frameBlocks: Int {
        max(1, Int((configuration.frameLength / configuration.hop).rounded()))
    }

    /// Each frame's RMS in dBFS: sums of squares per hop-long block, added up per frame.
    private func frameEnergies(_ samples: [Float], hop: Int) -> [Double] {
        guard !samples.isEmpty else { return [] }
        let blockCount = (samples.count + hop - 1) / hop
        var blockSums = [Double](repeating: 0, count: blockCount)
        samples.withUnsafeBufferPointer { samples in
            for block in 0..<blockCount {
                var sum: Double = 0
                for index in block * hop..<min((block + 1) * hop, samples.count) {
                    let sample = Double(samples[index])
                    sum += sample * sample
                }
                blockSums[block] = sum
            }
        }
        let span = min(frameBlocks, blockCount)
        return (0...(blockCount - span)).map { frame in
            let sum = blockSums[frame..<frame + span].reduce(0, +)
            let count = min((frame + span) * hop, samples.count) - frame * hop
            return 10 * log10(sum / Double(count) + 1e-10)
        }
    }

    /// `seconds` rounded to milliseconds.
    private static func milliseconds(_ seconds: Double) -> Double {
        (seconds * 1000).rounded() / 1000
    }
}
