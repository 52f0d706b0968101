// PNG files from a canvas: 8-bit RGB, every row filtered with the filter that suits it best,
// deflated by zlib, each chunk sealed with zlib's CRC-32.

import CSwitchyardZlib
import Foundation

/// Encodes a ``Canvas`` as a PNG file (ISO/IEC 15948): colour type 2 (RGB), bit depth 8,
/// no interlacing; chunks IHDR, one IDAT, IEND.
///
/// Each row gets the filter (None, Sub, Up, Average or Paeth) whose output has the smallest
/// sum of absolute values (bytes taken as signed), the heuristic the PNG specification
/// recommends: flat backgrounds and text filter to long runs of zeros, which deflate to a
/// small file. zlib's calls are CPU work on memory; run the encoder where the caller's other
/// C calls run (a slide renderer's own thread), not on Swift's cooperative pool.
struct PNGEncoder {
    /// The eight bytes every PNG file starts with.
    static let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]
    /// Bytes per pixel of 8-bit RGB: how far back the Sub, Average and Paeth filters look.
    private static let bytesPerPixel = 3

    /// The filter types of PNG filter method 0, by their byte.
    private enum Filter: UInt8 {
        case none = 0, sub, up, average, paeth

        /// The order rows try them in, likeliest winner first: a row like the one above it
        /// (a flat background) filters to zeros with Up, and nothing beats that.
        static let tried: [Filter] = [.up, .sub, .paeth, .average, .none]
    }

    /// The zlib compression level, 0 (store) ... 9 (smallest).
    var compressionLevel: Int32 = 6

    /// Encodes the canvas.
    /// - Parameter canvas: The image.
    /// - Returns: The bytes of a PNG file.
    /// - Throws: ``GraphicsError/Code/encodingFailed`` with zlib's status if deflate fails, or
    ///   if the image is too large for one PNG chunk.
    func encode(_ canvas: Canvas) throws -> [UInt8] {
        let compressed = try deflate(Self.filtered(canvas))
        guard compressed.count <= Int(Int32.max) else {
            throw GraphicsError(.encodingFailed, "a \(canvas.width)×\(canvas.height) image deflates to more than one PNG chunk can hold")
        }
        var header: [UInt8] = []
        Self.appendBigEndian(UInt32(canvas.width), to: &header)
        Self.appendBigEndian(UInt32(canvas.height), to: &header)
        header += [8, 2, 0, 0, 0]  // bit depth 8, colour type 2 (RGB), deflate, filter method 0, no interlace
        var png = Self.signature
        png.reserveCapacity(png.count + compressed.count + 3 * 12 + header.count)
        Self.appendChunk("IHDR", header, to: &png)
        Self.appendChunk("IDAT", compressed, to: &png)
        Self.appendChunk("IEND", [], to: &png)
        return png
    }

    /// The canvas's rows, each preceded by its filter byte and filtered: the data IDAT deflates.
    private static func filtered(_ canvas: Canvas) -> [UInt8] {
        let rowBytes = canvas.width * bytesPerPixel
        var output = [UInt8](repeating: 0, count: (rowBytes + 1) * canvas.height)
        var candidate = [UInt8](repeating: 0, count: rowBytes)
        let zeros = [UInt8](repeating: 0, count: rowBytes)
        canvas.pixels.withUnsafeBufferPointer { pixels in
            zeros.withUnsafeBufferPointer { zeros in
                output.withUnsafeMutableBufferPointer { output in
                    candidate.withUnsafeMutableBufferPointer { candidate in
                        for row in 0..<canvas.height {
                            let raw = pixels.baseAddress! + row * rowBytes
                            let prior = row == 0 ? zeros.baseAddress! : raw - rowBytes
                            let target = output.baseAddress! + row * (rowBytes + 1)
                            if row > 0 && memcmp(raw, prior, rowBytes) == 0 {
                                target[0] = Filter.up.rawValue  // the row above again: all zeros, already there
                                continue
                            }
                            var best = Int.max
                            for filter in Filter.tried where best > 0 {
                                let score = apply(filter, raw: raw, prior: prior, count: rowBytes, into: candidate.baseAddress!, bound: best)
                                if score < best {
                                    best = score
                                    target[0] = filter.rawValue
                                    (target + 1).update(from: candidate.baseAddress!, count: rowBytes)
                                }
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// Filters one row into `output` and returns the sum of the absolute values of the
    /// filtered bytes taken as signed, or, as soon as that sum reaches `bound` (the row then
    /// can't beat a filter already tried), the partial sum.
    private static func apply(
        _ filter: Filter, raw: UnsafePointer<UInt8>, prior: UnsafePointer<UInt8>, count: Int,
        into output: UnsafeMutablePointer<UInt8>, bound: Int
    ) -> Int {
        let step = bytesPerPixel
        var score = 0
        for index in 0..<count {
            let left = index >= step ? raw[index - step] : 0
            let predicted: UInt8 =
                switch filter {
                case .none: 0
                case .sub: left
                case .up: prior[index]
                case .average: UInt8((Int(left) + Int(prior[index])) / 2)
                case .paeth: paethPredictor(left: left, up: prior[index], upLeft: index >= step ? prior[index - step] : 0)
                }
            let value = raw[index] &- predicted
            output[index] = value
            score += value < 128 ? Int(value) : 256 - Int(value)
            if score >= bound {
                return score
            }
        }
        return score
    }

    /// The Paeth predictor: whichever neighbour is closest to `left + up − upLeft`
    /// (ties: left, then up).
    private static func paethPredictor(left: UInt8, up: UInt8, upLeft: UInt8) -> UInt8 {
        let estimate = Int(left) + Int(up) - Int(upLeft)
        let toLeft = abs(estimate - Int(left)), toUp = abs(estimate - Int(up)), toUpLeft = abs(estimate - Int(upLeft))
        if toLeft <= toUp && toLeft <= toUpLeft { return left }
        return toUp <= toUpLeft ? up : upLeft
    }

    /// Deflates with zlib (`compress2`: a zlib stream, as IDAT holds).
    private func deflate(_ data: [UInt8]) throws -> [UInt8] {
        var capacity = compressBound(uLong(data.count))
        var output = [UInt8](repeating: 0, count: Int(capacity))
        let status = output.withUnsafeMutableBufferPointer { output in
            data.withUnsafeBufferPointer { input in
                compress2(output.baseAddress, &capacity, input.baseAddress, uLong(input.count), compressionLevel)
            }
        }
        guard status == Z_OK else {
            throw GraphicsError(.encodingFailed, "zlib could not compress the image (compress2 returned \(status))", libraryStatus: status)
        }
        output.removeSubrange(Int(capacity)...)
        return output
    }

    /// Appends one chunk: length, type, data, and the CRC-32 of type and data.
    private static func appendChunk(_ type: String, _ data: [UInt8], to png: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        appendBigEndian(UInt32(data.count), to: &png)
        png += typeBytes
        png += data
        var crc = typeBytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        // An empty array may have no address, and crc32 given NULL returns its initial value
        // instead of the running checksum: IEND's CRC covers its type alone.
        if !data.isEmpty {
            crc = data.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, uInt($0.count)) }
        }
        appendBigEndian(UInt32(crc), to: &png)
    }

    private static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}
