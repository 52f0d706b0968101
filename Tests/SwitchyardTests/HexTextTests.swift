// Hex text of bytes: two lower-case digits a byte, leading zeros kept.

import SwitchyardCore
import Testing

@Suite struct HexTextTests {
    @Test func everyByteIsTwoLowerCaseDigits() {
        #expect(HexText.lowercase([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        #expect(HexText.lowercase([UInt8]()) == "")
        #expect(HexText.lowercase(0...255) == (0...255).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined())
    }
}
