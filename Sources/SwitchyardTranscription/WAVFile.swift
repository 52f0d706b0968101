// A RIFF/WAVE file of 16-bit PCM read into mono samples, every size in its header checked.

public import SwitchyardProviders

/// The audio of a WAV file: 16-bit PCM (format 1, or `WAVE_FORMAT_EXTENSIBLE` with the PCM
/// subformat), mono or stereo (mixed down to mono), at any sample rate from 1 kHz to 384 kHz.
///
/// The reader walks the RIFF chunks, skipping those it does not need (`LIST`, `fact`, `cue `,
/// ...), and checks every size against the bytes that are really there: a truncated file, a
/// header that lies about a size, zero channels or an absurd rate is refused with a permanent
/// ``ProviderError`` (`invalid_audio`) before anything is allocated for it; other sample
/// formats (8, 24 or 32 bits, floating point, more than two channels) with `unsupported_audio`.
/// What is allocated is at most twice the file's size.
public struct WAVFile: Sendable {
    /// Samples per second.
    public let sampleRate: Int
    /// The file's channels (1 or 2); ``samples`` holds their average.
    public let channelCount: Int
    /// The signal, mixed down to one channel, each sample in -1 ..< 1 (full scale 32768).
    public let samples: [Float]

    /// The length of the audio in seconds.
    public var duration: Double {
        Double(samples.count) / Double(sampleRate)
    }

    /// Reads a WAV file.
    /// - Parameter bytes: The whole file.
    /// - Throws: ``ProviderError`` (permanent): `invalid_audio` for a file that is not RIFF/WAVE
    ///   or whose header is inconsistent with its bytes, `unsupported_audio` for a well-formed
    ///   file in a sample format other than 16-bit PCM mono or stereo.
    public init(bytes: [UInt8]) throws(ProviderError) {
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8) else {
            throw Self.invalid("not a RIFF/WAVE file")
        }
        let riffEnd = 8 + Int(Self.uint32(bytes[...], at: 4))
        guard riffEnd <= bytes.count else {
            throw Self.invalid("the RIFF header says \(riffEnd) bytes but the file has \(bytes.count) (truncated?)")
        }
        var format: Format?
        var data: Range<Int>?
        var offset = 12
        while offset + 8 <= riffEnd, format == nil || data == nil {
            // Printable ASCII as it is, anything else as `?`: the name may end up in a log.
            let identifier = String(decoding: bytes[offset..<offset + 4].map { (0x20..<0x7F).contains($0) ? $0 : 0x3F }, as: UTF8.self)
            let size = Int(Self.uint32(bytes[...], at: offset + 4))
            let body = offset + 8
            guard size <= riffEnd - body else {
                throw Self.invalid("the '\(identifier)' chunk says \(size) bytes but only \(riffEnd - body) follow (truncated?)")
            }
            switch identifier {
            case "fmt " where format == nil:
                format = try Format(bytes[body..<body + size])
            case "data" where data == nil:
                data = body..<body + size
            default:
                break
            }
            offset = body + size + size % 2  // chunks are padded to an even length
        }
        guard let format else { throw Self.invalid("no 'fmt ' chunk") }
        guard let data else { throw Self.invalid("no 'data' chunk") }
        sampleRate = format.sampleRate
        channelCount = format.channelCount
        samples = Self.monoSamples(bytes[data], channels: format.channelCount)
    }

    /// The 16-bit little-endian frames of `data` averaged to one channel; a partial last frame
    /// is dropped.
    private static func monoSamples(_ data: ArraySlice<UInt8>, channels: Int) -> [Float] {
        let frameCount = data.count / (2 * channels)
        let scale = 1 / (32768 * Float(channels))
        return data.withUnsafeBufferPointer { buffer in
            [Float](unsafeUninitializedCapacity: frameCount) { samples, initialized in
                var position = 0
                for frame in 0..<frameCount {
                    var sum: Int32 = 0
                    for _ in 0..<channels {
                        sum += Int32(Int16(bitPattern: UInt16(buffer[position]) | UInt16(buffer[position + 1]) << 8))
                        position += 2
                    }
                    samples[frame] = Float(sum) * scale
                }
                initialized = frameCount
            }
        }
    }

    /// The unsigned little-endian 32-bit number `offset` bytes into `bytes`, which holds them.
    static func uint32(_ bytes: ArraySlice<UInt8>, at offset: Int) -> UInt32 {
        let start = bytes.startIndex + offset
        return bytes[start..<start + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// The unsigned little-endian 16-bit number `offset` bytes into `bytes`, which holds them.
    static func uint16(_ bytes: ArraySlice<UInt8>, at offset: Int) -> UInt16 {
        let start = bytes.startIndex + offset
        return UInt16(bytes[start]) | UInt16(bytes[start + 1]) << 8
    }

    /// A permanent `invalid_audio` failure.
    static func invalid(_ problem: String) -> ProviderError {
        ProviderError(.permanent, "invalid_audio", "audio: \(problem)")
    }

    /// A permanent `unsupported_audio` failure.
    static func unsupported(_ what: String) -> ProviderError {
        ProviderError(.permanent, "unsupported_audio", "audio: \(what) is not supported; the offline transcriber reads 16-bit PCM, mono or stereo")
    }
}
