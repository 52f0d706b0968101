// The `fmt ` chunk of a WAV file: which sample formats the reader takes, and why it refuses others.

import SwitchyardProviders

extension WAVFile {
    /// What a `fmt ` chunk says, once checked: 16-bit PCM, one or two channels, a sane rate.
    struct Format {
        /// Samples per second per channel.
        let sampleRate: Int
        /// 1 or 2.
        let channelCount: Int

        /// The rates accepted: from telephone-grade and below (1 kHz) to the highest studio rate.
        static let sampleRates = 1_000...384_000
        /// `WAVE_FORMAT_PCM`.
        private static let pcm: UInt16 = 1
        /// `WAVE_FORMAT_EXTENSIBLE`: the real format is the subformat GUID's first two bytes.
        private static let extensible: UInt16 = 0xFFFE
        /// The 14 bytes every standard subformat GUID ends with (`-0000-0010-8000-00AA00389B71`).
        private static let guidSuffix: [UInt8] = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]

        /// Reads and checks a `fmt ` chunk's body.
        /// - Throws: ``ProviderError`` `invalid_audio` (too short, zero channels, a rate out of
        ///   range, a block size that disagrees) or `unsupported_audio` (not 16-bit PCM, more
        ///   than two channels).
        init(_ chunk: ArraySlice<UInt8>) throws(ProviderError) {
            guard chunk.count >= 16 else {
                throw WAVFile.invalid("the 'fmt ' chunk has \(chunk.count) bytes, fewer than 16")
            }
            var formatTag = WAVFile.uint16(chunk, at: 0)
            let channels = Int(WAVFile.uint16(chunk, at: 2))
            let rate = Int(WAVFile.uint32(chunk, at: 4))
            let blockAlign = Int(WAVFile.uint16(chunk, at: 12))
            let bits = Int(WAVFile.uint16(chunk, at: 14))
            if formatTag == Self.extensible {
                // cbSize (22), valid bits, channel mask, then the subformat GUID.
                guard chunk.count >= 40, WAVFile.uint16(chunk, at: 16) >= 22 else {
                    throw WAVFile.invalid("a WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk of \(chunk.count) bytes has no subformat")
                }
                let guid = chunk.dropFirst(24).prefix(16)
                guard guid.dropFirst(2).elementsEqual(Self.guidSuffix) else {
                    throw WAVFile.unsupported("a WAVE_FORMAT_EXTENSIBLE subformat that is not a standard one")
                }
                formatTag = WAVFile.uint16(guid, at: 0)
            }
            guard formatTag == Self.pcm else {
                let name = formatTag == 3 ? " (IEEE float)" : ""
                throw WAVFile.unsupported("sample format \(formatTag)\(name)")
            }
            guard channels > 0 else { throw WAVFile.invalid("the 'fmt ' chunk says 0 channels") }
            guard channels <= 2 else { throw WAVFile.unsupported("\(channels) channels") }
            guard Self.sampleRates.contains(rate) else {
                throw WAVFile.invalid("a sample rate of \(rate) Hz (expected \(Self.sampleRates.lowerBound)-\(Self.sampleRates.upperBound))")
            }
            guard bits == 16 else { throw WAVFile.unsupported("\(bits)-bit samples") }
            guard blockAlign == channels * 2 else {
                throw WAVFile.invalid("a block size of \(blockAlign) bytes for \(channels) channel(s) of 16-bit samples")
            }
            sampleRate = rate
            channelCount = channels
        }
    }
}
