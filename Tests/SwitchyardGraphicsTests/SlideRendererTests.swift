// Whole slides: 1080×1080 PNGs that Python decodes, with the background, the text and the
// page number where the design puts them; deterministic, off the cooperative pool, concurrent.

import Foundation
@testable import SwitchyardGraphics
import Testing

@Suite(.timeLimit(.minutes(3))) struct SlideRendererTests {
    static let prompt = "A carousel on shipping software in small batches"

    static func slide(_ index: Int = 2, of total: Int = 5, body: String? = nil, alignment: SlideContent.Alignment = .leading) -> SlideContent {
        SlideContent(
            title: "Small batches beat big releases",
            body: body ?? """
                Every change you ship alone is a change you can understand, measure and roll back. \
                Big releases bundle risk: when something breaks, nobody knows which of forty changes did it.

                Ship behind feature flags, watch the numbers, and keep the rollback one click away.
                """,
            index: index, total: total, background: .derived(from: prompt), accent: .derivedAccent(from: prompt),
            alignment: alignment)
    }

    @Test func aSlideIsASquarePNGWithItsBackgroundTitleBodyAndPageNumber() async throws {
        let renderer = try await SlideRenderer(threads: 1)
        let slide = Self.slide()
        let image = try await renderer.render(slide)
        #expect(image.contentType == "image/png" && image.width == 1080 && image.height == 1080)
        #expect(Array(image.bytes.prefix(8)) == [137, 80, 78, 71, 13, 10, 26, 10])

        let png = try DecodedPNG.decode(image.bytes)
        #expect(png.width == 1080 && png.height == 1080 && png.bitDepth == 8 && png.colorType == 2)
        #expect(png.chunks == ["IHDR", "IDAT", "IEND"])
        #expect(png.pixels.count == 1080 * 1080 * 3)
        #expect(png[10, 1070] == slide.background)
        #expect(png[1070, 540] == slide.background)
        #expect(png[540, 5] == slide.accent, "the accent band along the top")

        let ink = slide.background.contrastingText
        let column = SlideDesign.margin..<(SlideDesign.size - SlideDesign.margin)
        let titleLine = SlideDesign.titleTop..<(SlideDesign.titleTop + 100)
        #expect(png.count(x: column, y: titleLine) { $0 == ink } > 2_000, "the title's first line is drawn in the text colour")
        #expect(png.count(x: column, y: 450..<800) { $0 == ink } > 2_000, "the body is drawn")
        let corner = (SlideDesign.size - 300)..<SlideDesign.size
        let numberLine = (SlideDesign.numberBaseline - 40)..<(SlideDesign.numberBaseline + 10)
        #expect(png.count(x: corner, y: numberLine) { $0 != slide.background } > 200, "\"2 / 5\" is in the bottom-right corner")
        let rightMargin = (SlideDesign.size - SlideDesign.margin + 8)..<SlideDesign.size
        #expect(png.count(x: rightMargin, y: 100..<900) { $0 != slide.background } == 0, "text stays in its column")
    }

    @Test func theSameContentGivesTheSameBytesOnAnyThreadAndRenderer() async throws {
        let renderer = try await SlideRenderer(threads: 2)
        async let first = renderer.render(Self.slide())
        async let second = renderer.render(Self.slide())
        let (one, two) = try await (first, second)
        let other = try await SlideRenderer(threads: 1).render(Self.slide())
        #expect(one.bytes == two.bytes && one.bytes == other.bytes)
        #expect(try await renderer.render(Self.slide(3)).bytes != one.bytes, "another page number, another picture")
    }

    @Test func centredSlidesAndOverlongTextStillRender() async throws {
        let renderer = try await SlideRenderer(threads: 1)
        let long = String(repeating: "An extraordinarily verbose sentence that keeps going. ", count: 80)
        var slide = Self.slide(5, of: 5, body: long, alignment: .center)
        slide.title = String(repeating: "A title far too long to fit ", count: 8)
        let png = try DecodedPNG.decode(try await renderer.render(slide).bytes)
        #expect(png[SlideDesign.size / 2, 5] == slide.accent)
        let ink = slide.background.contrastingText
        #expect(png.count(x: 0..<SlideDesign.size, y: SlideDesign.titleTop..<(SlideDesign.titleTop + 80)) { $0 == ink } > 1_000)
        let bottom = (SlideDesign.bodyBottom + 10)..<(SlideDesign.numberBaseline - 40)
        #expect(png.count(x: 0..<SlideDesign.size, y: bottom) { $0 != slide.background } == 0, "the body stops above the footer")
    }

    @Test func aBadFontDirectoryIsAnErrorNamingThePath() async throws {
        let missing = await #expect(throws: GraphicsError.self) { try await SlideRenderer(fontDirectory: "/nonexistent/fonts") }
        #expect(missing?.code == .fontNotFound)
        #expect(missing?.message.contains("/nonexistent/fonts/DejaVuSans-Bold.ttf") == true, "\(String(describing: missing))")

        let directory = FileManager.default.temporaryDirectory.appending(path: "switchyard-fonts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("not a font".utf8).write(to: directory.appending(path: "DejaVuSans-Bold.ttf"))
        let broken = await #expect(throws: GraphicsError.self) { try await SlideRenderer(fontDirectory: directory.path) }
        #expect(broken?.code == .fontLoadFailed && broken?.libraryStatus == 2, "FT_Err_Unknown_File_Format: \(String(describing: broken))")
        #expect(broken?.message.contains(directory.appending(path: "DejaVuSans-Bold.ttf").path) == true)
    }

    @Test func impossibleNumbersAndThreadCountsAreErrors() async throws {
        let renderer = try await SlideRenderer(threads: 1)
        for (index, total) in [(0, 5), (6, 5), (1, 0), (-1, -1)] {
            let error = await #expect(throws: GraphicsError.self) { try await renderer.render(Self.slide(index, of: total)) }
            #expect(error?.code == .invalidSlide)
        }
        let error = await #expect(throws: GraphicsError.self) { try await SlideRenderer(threads: 0) }
        #expect(error?.code == .invalidConfiguration)
    }

    @Test func renderingRunsOnTheRasterizersOwnThread() async throws {
        let rasterizer = try await SlideRasterizer.start(fontDirectory: SlideRenderer.defaultFontDirectory, name: "slides-test")
        #expect(await rasterizer.isOnItsThread, "inside the actor, its executor's thread is current")
        let image = try await rasterizer.render(Self.slide())
        #expect(image.bytes.count > 1_000)
    }

    @Test func tenSlidesRenderConcurrently() async throws {
        let renderer = try await SlideRenderer(threads: 2)
        let images = try await withThrowingTaskGroup(of: (Int, RenderedImage).self) { group in
            for index in 1...10 {
                group.addTask { (index, try await renderer.render(Self.slide(index, of: 10))) }
            }
            var images: [Int: RenderedImage] = [:]
            for try await (index, image) in group {
                images[index] = image
            }
            return images
        }
        #expect(images.count == 10)
        #expect(Set(images.values.map(\.bytes)).count == 10, "each page number gives its own picture")
        #expect(images[7]?.bytes == (try await renderer.render(Self.slide(7, of: 10))).bytes)
        let png = try DecodedPNG.decode(try #require(images[10]).bytes)
        #expect(png.width == 1080 && png[10, 1070] == Self.slide().background)
    }
}
