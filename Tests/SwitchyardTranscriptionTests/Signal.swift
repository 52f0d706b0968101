// Test signals: sine bursts in silence or faint noise, with a repeatable noise generator.

import Foundation

/// Builds test signals sample by sample.
enum Signal {
    /// A 440 Hz sine (amplitude 0.5, -9 dBFS RMS) during each of `bursts` (seconds), in
    /// `duration` seconds of silence, or of white noise with RMS `noiseDBFS` if given.
    static func tones(
        _ bursts: [ClosedRange<Double>], duration: Double, sampleRate: Int, frequency: Double = 440, amplitude: Float = 0.5,
        noiseDBFS: Double? = nil
    ) -> [Float] {
        var samples = noise(duration: duration, sampleRate: sampleRate, dBFS: noiseDBFS)
        for burst in bursts {
            let first = Int((burst.lowerBound * Double(sampleRate)).rounded())
            let last = min(samples.count, Int((burst.upperBound * Double(sampleRate)).rounded()))
            for index in first..<last {
                samples[index] += amplitude * Float(sin(2 * Double.pi * frequency * Double(index) / Double(sampleRate)))
            }
        }
        return samples
    }

    /// `duration` seconds of uniform white noise with RMS `dBFS` (nil: digital silence).
    static func noise(duration: Double, sampleRate: Int, dBFS: Double?) -> [Float] {
        let count = Int((duration * Double(sampleRate)).rounded())
        guard let dBFS else { return [Float](repeating: 0, count: count) }
        // Uniform in ±a has RMS a/√3.
        let amplitude = pow(10, dBFS / 20) * 3.0.squareRoot()
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Float((Double(state >> 11) / Double(1 << 53) * 2 - 1) * amplitude)
        }
    }
}
