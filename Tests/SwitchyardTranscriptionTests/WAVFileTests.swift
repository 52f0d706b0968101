// The WAV reader: the formats it takes, the chunks it skips, and hostile headers it refuses.

import SwitchyardProviders
import SwitchyardTranscription
import Testing

@Suite struct WAVFileTests {
    /// A quarter second of a ramp, so every sample differs.
    static let ramp: [Float] = (0..<4_000).map { Float($0 % 200 - 100) / 128 }

    @Test func monoPCMIsReadSampleForSample() throws {
        let file = try WAVFile(bytes: WAVWriter(sampleRate: 16_000, samples: Self.ramp).bytes)
        #expect(file.sampleRate == 16_000 && file.channelCount == 1)
        #expect(file.samples == Self.ramp, "the ramp's values are exact in 16 bits")
        #expect(file.duration == 0.25)
    }

    @Test func stereoIsMixedDownToTheAverage() throws {
        let left = Self.ramp, right = Self.ramp.map { -$0 / 2 }
        let file = try WAVFile(bytes: WAVWriter(sampleRate: 48_000, channels: [left, right]).bytes)
        #expect(file.channelCount == 2 && file.sampleRate == 48_000)
        #expect(file.samples.count == Self.ramp.count)
        #expect(zip(file.samples, Self.ramp).allSatisfy { abs($0 - $1 / 4) < 1e-4 })
    }

    @Test func extensiblePCMAndUnknownChunksAreRead() throws {
        var writer = WAVWriter(sampleRate: 8_000, samples: Self.ramp)
        writer.extensibleSubformat = 1
        writer.extraChunks = [("LIST", Array("INFOISFT\u{5}\u{0}\u{0}\u{0}sy".utf8) + [0x00]), ("fact", le32(4_000))]
        let file = try WAVFile(bytes: writer.bytes)
        #expect(file.sampleRate == 8_000 && file.samples == Self.ramp, "an odd-sized LIST chunk and its pad byte are skipped")
    }

    @Test func aPartialLastFrameIsDropped() throws {
        var bytes = WAVWriter(sampleRate: 8_000, channels: [[0.5, 0.25], [0.5, 0.25]]).bytes
        let data = try #require(bytes.chunkOffset("data"))
        bytes = bytes.patched(at: data + 4, le32(6)).patched(at: 4, le32(UInt32(bytes.count - 8 - 2)))
        let file = try WAVFile(bytes: Array(bytes.dropLast(2)))
        #expect(file.samples == [0.5], "one whole stereo frame and half of the next")
    }

    @Test func otherSampleFormatsAreRefusedByName() throws {
        var float = WAVWriter(sampleRate: 8_000, samples: Self.ramp)
        float.formatTag = 3
        expectRefusal(float.bytes, "unsupported_audio", "sample format 3 (IEEE float)")
        var eightBit = WAVWriter(sampleRate: 8_000, samples: Self.ramp)
        eightBit.bitsPerSample = 8
        expectRefusal(eightBit.bytes, "unsupported_audio", "8-bit samples")
        let declared24 = WAVWriter(sampleRate: 8_000, samples: Self.ramp).bytes.patched(at: 32, le16(3)).patched(at: 34, le16(24))
        expectRefusal(declared24, "unsupported_audio", "24-bit samples")
        var extensibleFloat = WAVWriter(sampleRate: 8_000, samples: Self.ramp)
        extensibleFloat.extensibleSubformat = 3
        expectRefusal(extensibleFloat.bytes, "unsupported_audio", "sample format 3 (IEEE float)")
        let six = WAVWriter(sampleRate: 8_000, channels: Array(repeating: Self.ramp, count: 6)).bytes
        expectRefusal(six, "unsupported_audio", "6 channels")
    }

    @Test func hostileHeadersAreRefusedWithAReason() throws {
        let good = WAVWriter(sampleRate: 16_000, samples: Self.ramp).bytes
        let data = try #require(good.chunkOffset("data"))
        expectRefusal([], "invalid_audio", "not a RIFF/WAVE file")
        expectRefusal(Array("ID3\u{4}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}".utf8), "invalid_audio", "not a RIFF/WAVE file")
        expectRefusal(Array(good.prefix(good.count / 2)), "invalid_audio", "the RIFF header says \(good.count) bytes")
        expectRefusal(good.patched(at: 4, le32(.max)), "invalid_audio", "the RIFF header says")
        expectRefusal(good.patched(at: data + 4, le32(.max)), "invalid_audio", "the 'data' chunk says 4294967295 bytes")
        expectRefusal(good.patched(at: data + 4, le32(UInt32(good.count))), "invalid_audio", "truncated?")
        expectRefusal(good.patched(at: 16, le32(.max)), "invalid_audio", "the 'fmt ' chunk says 4294967295 bytes")
        expectRefusal(good.patched(at: 16, le32(8)), "invalid_audio", "the 'fmt ' chunk has 8 bytes, fewer than 16")
        expectRefusal(good.patched(at: 22, le16(0)), "invalid_audio", "0 channels")
        expectRefusal(good.patched(at: 24, le32(0)), "invalid_audio", "a sample rate of 0 Hz")
        expectRefusal(good.patched(at: 24, le32(4_000_000_000)), "invalid_audio", "a sample rate of 4000000000 Hz")
        expectRefusal(good.patched(at: 32, le16(64)), "invalid_audio", "a block size of 64 bytes")
        expectRefusal(good.patched(at: 12, Array("junk".utf8)), "invalid_audio", "no 'fmt ' chunk")
        expectRefusal(good.patched(at: data, Array("junk".utf8)), "invalid_audio", "no 'data' chunk")
        var lyingList = WAVWriter(sampleRate: 16_000, samples: Self.ramp)
        lyingList.extraChunks = [("LIST", [1, 2, 3, 4])]
        let list = try #require(lyingList.bytes.chunkOffset("LIST"))
        expectRefusal(lyingList.bytes.patched(at: list + 4, le32(0xFFFF_FFF0)), "invalid_audio", "the 'LIST' chunk says 4294967280 bytes")
    }

    @Test func everyTruncationAndRandomDamageIsRefusedOrReadNeverACrash() throws {
        var writer = WAVWriter(sampleRate: 22_050, channels: [Array(Self.ramp.prefix(300)), Array(Self.ramp.prefix(300))])
        writer.extraChunks = [("LIST", Array(repeating: 7, count: 9))]
        let good = writer.bytes
        for length in 0..<good.count {
            do throws(ProviderError) {
                _ = try WAVFile(bytes: Array(good.prefix(length)))
            } catch {
                #expect(error.kind == .permanent && ["invalid_audio", "unsupported_audio"].contains(error.errorClass))
            }
        }
        var state: UInt64 = 42
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        for _ in 0..<3_000 {
            var damaged = good
            for _ in 0..<(1 + next() % 4) {
                damaged[next() % 80] = UInt8(truncatingIfNeeded: next())
            }
            do throws(ProviderError) {
                let file = try WAVFile(bytes: damaged)
                #expect(file.samples.count <= damaged.count / 2)
            } catch {
                #expect(error.kind == .permanent && ["invalid_audio", "unsupported_audio"].contains(error.errorClass))
            }
        }
    }
}

/// Expects `bytes` to be refused permanently with `errorClass` and a message containing `words`.
func expectRefusal(_ bytes: [UInt8], _ errorClass: String, _ words: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let error = #expect(throws: ProviderError.self, sourceLocation: sourceLocation) { try WAVFile(bytes: bytes) }
    #expect(error?.kind == .permanent, sourceLocation: sourceLocation)
    #expect(error?.errorClass == errorClass, "\(error?.message ?? "")", sourceLocation: sourceLocation)
    #expect(error?.message.contains(words) == true, "\(error?.message ?? "") should say \(words)", sourceLocation: sourceLocation)
}
