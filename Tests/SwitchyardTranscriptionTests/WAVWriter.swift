// WAV files written by the tests, byte by byte, independently of the reader under test.

/// Writes RIFF/WAVE files: 16-bit PCM (or other widths, to be refused), plain or
/// `WAVE_FORMAT_EXTENSIBLE`, with extra chunks before the data, and patches headers to lie.
struct WAVWriter {
    /// Samples per second.
    var sampleRate: Int
    /// One array of samples (full scale ±1) per channel, all the same length.
    var channels: [[Float]]
    /// Write `WAVE_FORMAT_EXTENSIBLE` with this subformat instead of a plain format tag.
    var extensibleSubformat: UInt16?
    /// The format tag of a plain `fmt ` chunk; 1 (PCM) unless set.
    var formatTag: UInt16 = 1
    /// Bits per sample written in the header (the data is always 16-bit unless this is 8).
    var bitsPerSample = 16
    /// Chunks written between `fmt ` and `data`, e.g. `LIST`.
    var extraChunks: [(id: String, body: [UInt8])] = []

    /// A mono file.
    init(sampleRate: Int, samples: [Float]) {
        self.sampleRate = sampleRate
        channels = [samples]
    }

    /// A file of several channels.
    init(sampleRate: Int, channels: [[Float]]) {
        self.sampleRate = sampleRate
        self.channels = channels
    }

    /// The file.
    var bytes: [UInt8] {
        let bytesPerSample = bitsPerSample / 8
        var format: [UInt8] = []
        format += le16(extensibleSubformat == nil ? formatTag : 0xFFFE)
        format += le16(UInt16(channels.count))
        format += le32(UInt32(sampleRate))
        format += le32(UInt32(sampleRate * channels.count * bytesPerSample))
        format += le16(UInt16(channels.count * bytesPerSample))
        format += le16(UInt16(bitsPerSample))
        if let subformat = extensibleSubformat {
            format += le16(22) + le16(UInt16(bitsPerSample)) + le32(channels.count == 2 ? 3 : 4)
            format += le16(subformat) + [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
        }
        var data: [UInt8] = []
        for index in 0..<(channels.first?.count ?? 0) {
            for channel in channels {
                let value = Int16(max(-32768, min(32767, (channel[index] * 32768).rounded())))
                if bitsPerSample == 8 {
                    data.append(UInt8(Int(value >> 8) + 128))
                } else {
                    data += le16(UInt16(bitPattern: value))
                }
            }
        }
        var body: [UInt8] = Array("WAVE".utf8) + chunk("fmt ", format)
        for extra in extraChunks {
            body += chunk(extra.id, extra.body)
        }
        body += chunk("data", data)
        return Array("RIFF".utf8) + le32(UInt32(body.count)) + body
    }

    /// `id`, the size, the body, and a pad byte if the size is odd.
    private func chunk(_ id: String, _ body: [UInt8]) -> [UInt8] {
        Array(id.utf8) + le32(UInt32(body.count)) + body + (body.count % 2 == 1 ? [0] : [])
    }
}

/// `value` as two little-endian bytes.
func le16(_ value: UInt16) -> [UInt8] {
    [UInt8(value & 0xFF), UInt8(value >> 8)]
}

/// `value` as four little-endian bytes.
func le32(_ value: UInt32) -> [UInt8] {
    [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
}

extension [UInt8] {
    /// These bytes with `replacement` written at `offset`.
    func patched(at offset: Int, _ replacement: [UInt8]) -> [UInt8] {
        var copy = self
        copy.replaceSubrange(offset..<offset + replacement.count, with: replacement)
        return copy
    }

    /// Where the chunk `id` starts (its identifier), searching from byte 12.
    func chunkOffset(_ id: String) -> Int? {
        var offset = 12
        while offset + 8 <= count {
            if self[offset..<offset + 4].elementsEqual(id.utf8) { return offset }
            let size = Int(self[offset + 4]) | Int(self[offset + 5]) << 8 | Int(self[offset + 6]) << 16 | Int(self[offset + 7]) << 24
            offset += 8 + size + size % 2
        }
        return nil
    }
}
