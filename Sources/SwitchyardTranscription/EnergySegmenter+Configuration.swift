// The energy segmenter's settings: frame timing, thresholds, and the shortest speech and longest pause.

extension EnergySegmenter {
    /// The segmenter's settings; the defaults suit speech.
    public struct Configuration: Sendable {
        /// Seconds between frame starts (and the block length); 0.010 unless given.
        public var hop: Double
        /// Seconds per frame, rounded to whole hops (at least one); 0.030 unless given.
        public var frameLength: Double
        /// Which low share of frame energies is the background (0 ... 1); 0.10 unless given.
        public var noisePercentile: Double
        /// dB above the background that starts a stretch; 12 unless given.
        public var onMargin: Double
        /// dB between the on and off thresholds; 6 unless given.
        public var hysteresis: Double
        /// dBFS the on threshold is never below; -50 unless given.
        public var absoluteFloor: Double
        /// Seconds: stretches shorter than this are dropped; 0.12 unless given.
        public var minimumSpeech: Double
        /// Seconds: stretches closer than this are merged; 0.28 unless given.
        public var maximumGap: Double

        /// Creates settings.
        /// - Parameters:
        ///   - hop: Seconds between frames.
        ///   - frameLength: Seconds per frame.
        ///   - noisePercentile: The share of frames taken as background.
        ///   - onMargin: dB above the background that starts a stretch.
        ///   - hysteresis: dB between the on and off thresholds.
        ///   - absoluteFloor: dBFS the on threshold is never below.
        ///   - minimumSpeech: The shortest stretch kept, in seconds.
        ///   - maximumGap: The longest pause inside one stretch, in seconds.
        public init(
            hop: Double = 0.010, frameLength: Double = 0.030, noisePercentile: Double = 0.10, onMargin: Double = 12,
            hysteresis: Double = 6, absoluteFloor: Double = -50, minimumSpeech: Double = 0.12, maximumGap: Double = 0.28
        ) {
            self.hop = hop
            self.frameLength = frameLength
            self.noisePercentile = noisePercentile
            self.onMargin = onMargin
            self.hysteresis = hysteresis
            self.absoluteFloor = absoluteFloor
            self.minimumSpeech = minimumSpeech
            self.maximumGap = maximumGap
        }
    }
}
