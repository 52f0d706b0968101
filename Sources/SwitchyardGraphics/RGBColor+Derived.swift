// Colours derived from a prompt: a stable hash picks the hue; fixed saturation and lightness
// keep every background dark enough for white text, and every accent light enough to show on it.

extension RGBColor {
    /// The background colour for a prompt: the same prompt always gives the same colour.
    ///
    /// The hue comes from a 64-bit FNV-1a hash of the prompt's UTF-8 bytes (stable across
    /// runs, processes and machines); saturation 55 % and lightness 28 % (HSL) make every hue
    /// a deep colour on which white text has a contrast ratio above 4.5:1.
    /// - Parameter prompt: The generation's prompt, byte for byte.
    /// - Returns: A dark, saturated colour.
    public static func derived(from prompt: String) -> RGBColor {
        hsl(hue: hue(of: prompt), saturation: 0.55, lightness: 0.28)
    }

    /// The accent colour for a prompt, to go with ``derived(from:)``: the hue turned by 150°,
    /// saturation 70 %, lightness from 60 % up until the relative luminance reaches 0.5 (blues
    /// and violets need more), so bars and rules stand out on the background (contrast ratio
    /// above 2.8:1).
    /// - Parameter prompt: The generation's prompt, byte for byte.
    /// - Returns: A light, saturated colour.
    public static func derivedAccent(from prompt: String) -> RGBColor {
        let hue = (hue(of: prompt) + 150).truncatingRemainder(dividingBy: 360)
        var lightness = 0.60
        var accent = hsl(hue: hue, saturation: 0.70, lightness: lightness)
        while accent.relativeLuminance < 0.5 && lightness < 0.98 {
            lightness += 0.02
            accent = hsl(hue: hue, saturation: 0.70, lightness: lightness)
        }
        return accent
    }

    /// A hue in degrees, 0 ..< 360 in steps of 0.1, from the prompt's FNV-1a hash.
    static func hue(of prompt: String) -> Double {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in prompt.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        hash ^= hash >> 32
        return Double(hash % 3_600) / 10
    }

    /// Converts HSL to RGB.
    /// - Parameters:
    ///   - hue: Degrees, 0 ..< 360.
    ///   - saturation: 0...1.
    ///   - lightness: 0...1.
    static func hsl(hue: Double, saturation: Double, lightness: Double) -> RGBColor {
        let chroma = (1 - abs(2 * lightness - 1)) * saturation
        let sector = hue / 60
        let second = chroma * (1 - abs(sector.truncatingRemainder(dividingBy: 2) - 1))
        let (red, green, blue): (Double, Double, Double) =
            switch Int(sector) {
            case 0: (chroma, second, 0)
            case 1: (second, chroma, 0)
            case 2: (0, chroma, second)
            case 3: (0, second, chroma)
            case 4: (second, 0, chroma)
            default: (chroma, 0, second)
            }
        let base = lightness - chroma / 2
        func channel(_ value: Double) -> UInt8 {
            UInt8(min(max(((value + base) * 255).rounded(), 0), 255))
        }
        return RGBColor(r: channel(red), g: channel(green), b: channel(blue))
    }
}
