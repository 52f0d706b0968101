// An sRGB colour: parsed from and written as #RRGGBB, and the text colour that reads on it.

import Foundation

/// A colour with 8-bit red, green and blue channels (sRGB).
public struct RGBColor: Sendable, Hashable, CustomStringConvertible {
    /// Red, 0...255.
    public var r: UInt8
    /// Green, 0...255.
    public var g: UInt8
    /// Blue, 0...255.
    public var b: UInt8

    /// White, the text colour on dark backgrounds.
    public static let white = RGBColor(r: 255, g: 255, b: 255)
    /// A near-black ink, the text colour on light backgrounds.
    public static let ink = RGBColor(r: 17, g: 17, b: 17)

    /// Creates a colour from its channels.
    /// - Parameters:
    ///   - r: Red, 0...255.
    ///   - g: Green, 0...255.
    ///   - b: Blue, 0...255.
    public init(r: UInt8, g: UInt8, b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// Parses `#RRGGBB` (hex digits in either case).
    /// - Parameter hex: `#` and six hex digits, for example `#1E3A5F`.
    /// - Returns: `nil` unless `hex` is exactly that.
    public init?(hex: String) {
        let bytes = Array(hex.utf8)
        guard bytes.count == 7, bytes[0] == UInt8(ascii: "#") else { return nil }
        var channels: [UInt8] = []
        for offset in stride(from: 1, to: 7, by: 2) {
            guard let high = Self.hexDigit(bytes[offset]), let low = Self.hexDigit(bytes[offset + 1]) else { return nil }
            channels.append(high << 4 | low)
        }
        self.init(r: channels[0], g: channels[1], b: channels[2])
    }

    /// The colour as `#RRGGBB`, upper-case.
    public var hex: String {
        let digits = Array("0123456789ABCDEF".utf8)
        var text: [UInt8] = [UInt8(ascii: "#")]
        for channel in [r, g, b] {
            text.append(digits[Int(channel >> 4)])
            text.append(digits[Int(channel & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    public var description: String { hex }

    /// The text colour with the higher contrast on this colour: ``white`` or ``ink``
    /// (WCAG contrast ratio of relative luminances).
    public var contrastingText: RGBColor {
        let luminance = relativeLuminance
        let onWhite = (Self.white.relativeLuminance + 0.05) / (luminance + 0.05)
        let onInk = (luminance + 0.05) / (Self.ink.relativeLuminance + 0.05)
        return onWhite >= onInk ? Self.white : Self.ink
    }

    /// WCAG relative luminance, 0 (black) ... 1 (white).
    var relativeLuminance: Double {
        func linear(_ channel: UInt8) -> Double {
            let value = Double(channel) / 255
            return value <= 0.039_28 ? value / 12.92 : pow((value + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
