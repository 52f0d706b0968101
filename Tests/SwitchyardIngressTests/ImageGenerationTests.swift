import Foundation
import SwitchyardAMQP
import SwitchyardHTTP
import SwitchyardTestSupport
import Testing

/// Carousel generations end to end: the ingress, `switchyard work imagegen` processes, the
/// offline renderer or fake image APIs on loopback (OpenAI's and Gemini's wire formats), the
/// blob store, credits charged once, progress followed live.
@Suite(.serialized, .timeLimit(.minutes(4))) struct ImageGenerationTests {
    /// A tenant with a key, a user with credits, an ingress and a blob folder of the test's own.
    struct Setup {
        var ingress: IngressHarness
        var tenant: (id: String, key: String)
        var blobURL: String

        static func start(_ fleet: Fleet, credits: Int = 100, environment: [String: String] = [:]) async throws -> Setup {
            let tenant = try EventsTests.cli(fleet, ["tenants", "create", "acme"])
            let key = try EventsTests.cli(fleet, ["keys", "create", "--tenant", tenant])
            _ = try EventsTests.cli(fleet, ["users", "grant", "--tenant", tenant, "--user", "ana", "--credits", "\(credits)", "--daily-limit", "20"])
            let blobs = fleet.logDirectory.appending(path: "blobs")
            let blobURL = "file://\(blobs.path)"
            let ingress = try await IngressHarness.start(fleet, environment: environment.merging(["SWITCHYARD_BLOB_URL": blobURL]) { $1 })
            return Setup(ingress: ingress, tenant: (tenant, key), blobURL: blobURL)
        }

        /// Starts an imagegen worker sharing the blob store.
        @discardableResult
        func worker(_ fleet: Fleet, _ extra: [String] = [], environment: [String: String] = [:]) throws -> Process {
            try fleet.startWorker(["imagegen", "dead-letters"] + extra, environment: environment.merging(["SWITCHYARD_BLOB_URL": blobURL]) { $1 })
        }

        /// Requests a generation; returns its id.
        func generate(_ prompt: String, slides: Int, style: String? = nil) async throws -> String {
            let styleJSON = style.map { #","style":\#($0)"# } ?? ""
            let created = try await ingress.send(
                .post, "/v1/generations", key: tenant.key,
                body: #"{"user_id":"ana","prompt":"\#(prompt)","slide_count":\#(slides)\#(styleJSON)}"#)
            try #require(created.status == 201, "\(created.bodyText)")
            return try #require(created.json["generation_id"] as? String)
        }

        func generation(_ id: String) async throws -> [String: Any] {
            try await ingress.send(.get, "/v1/generations/\(id)", key: tenant.key).json
        }

        func credits(_ fleet: Fleet) async throws -> Int {
            try await fleet.count("SELECT credits FROM users WHERE external_id = 'ana'")
        }
    }

    /// Decodes a PNG with the Python standard library (zlib, struct), not with our code.
    static func decodePNG(_ bytes: [UInt8]) throws -> [String: Any] {
        let script = try #require(Bundle.module.url(forResource: "decode_png", withExtension: "py"))
        let process = Process()
        process.executableURL = URL(filePath: "/usr/bin/env")
        process.arguments = ["python3", script.path]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(bytes))
        try input.fileHandleForWriting.close()
        let text = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "decode_png.py: \(String(decoding: text, as: UTF8.self))")
        return try #require(try JSONSerialization.jsonObject(with: text) as? [String: Any])
    }

    @Test func anOfflineCarouselIsDrawnStoredChargedOnceAndFollowedLive() async throws {
        try await withFleet { fleet in
            let setup = try await Setup.start(fleet)
            try setup.worker(fleet)
            let id = try await setup.generate("Five habits of calm teams", slides: 3, style: ##"{"background":"#123456","accent":"#FFCC00"}"##)
            let stream = try await EventStreamClient.connect(
                port: setup.ingress.port, path: "/v1/generations/\(id)/events", headers: ["Authorization": "Bearer \(setup.tenant.key)"])
            let events = try await stream.rest(timeout: .seconds(30))
            stream.close()
            #expect(events.last?.json["status"] as? String == "completed", "\(events.map(\.data))")
            let progress = events.filter { $0.event == "progress" }.compactMap { $0.json["progress_percent"] as? Int }
            #expect(progress == progress.sorted() && Set(progress).count == progress.count, "strictly increasing: \(progress)")
            #expect(events.contains { ($0.json["progress_message"] as? String) == "planning the carousel" })
            let drawn = events.compactMap { $0.json["progress_message"] as? String }.filter { $0.hasSuffix(" drawn") }
            #expect(drawn == ["1 of 3 slides drawn", "2 of 3 slides drawn", "all slides drawn"], "the fan-in counted each slide once: \(drawn)")

            let generation = try await setup.generation(id)
            #expect(generation["status"] as? String == "completed" && generation["credits_charged"] as? Bool == true)
            #expect(try await setup.credits(fleet) == 97, "three credits charged, once")
            let slides = try #require(generation["slides"] as? [[String: Any]])
            #expect(slides.map { $0["index"] as? Int } == [1, 2, 3])
            #expect(Set(slides.compactMap { $0["sha256"] as? String }).count == 3, "three different pictures")
            let url = try #require(slides.first?["url"] as? String)
            let image = try await setup.ingress.send(.get, url, key: setup.tenant.key)
            #expect(image.status == 200 && image.header("Content-Type") == "image/png")
            let decoded = try Self.decodePNG(image.body)
            #expect(decoded["width"] as? Int == 1080 && decoded["height"] as? Int == 1080)
            #expect(decoded["bottom_left"] as? [Int] == [0x12, 0x34, 0x56], "the requested background: \(decoded)")
            #expect(decoded["top_left"] as? [Int] == [0xFF, 0xCC, 0x00], "the requested accent: \(decoded)")
            #expect(try await fleet.count("SELECT count(*) FROM api_usage WHERE api = 'images'", settlingAt: 3) == 3)

            let other = try EventsTests.cli(fleet, ["keys", "create", "--tenant", try EventsTests.cli(fleet, ["tenants", "create", "other"])])
            #expect(try await setup.ingress.send(.get, "/v1/generations/\(id)", key: other).status == 404)
            #expect(try await setup.ingress.send(.get, url, key: other).status == 404)
            #expect(try await setup.ingress.send(.post, "/v1/generations/\(id)/cancel", key: other).status == 404)
            #expect(try await setup.ingress.send(.get, "/v1/generations/\(id)/events", key: other).status == 404)
            let late = try await setup.ingress.send(.post, "/v1/generations/\(id)/cancel", key: setup.tenant.key)
            #expect(late.status == 409 && late.errorCode == "already_finished")
            await setup.ingress.client.shutdown()
        }
    }

    @Test func theLanguageModelsStrategyIsValidatedAndRepairedOnce() async throws {
        try await withFleet { fleet in
            func strategy(_ slides: Int, title: String = "Calm teams") -> String {
                let items = (1...slides).map { #"{"title":"Slide \#($0)","body":"Body \#($0)","image_prompt":"Picture \#($0)"}"# }
                return #"{"title":"\#(title)","slides":[\#(items.joined(separator: ","))]}"#
            }
            let llm = try LoopbackHTTPServer(scripts: ["/v1/chat/completions": [
                VendorFailureTests.chat(strategy(2)),
                VendorFailureTests.chat(strategy(3)),
                VendorFailureTests.chat("not json at all"),
                VendorFailureTests.chat(strategy(1, title: "")),
            ]])
            defer { llm.stop() }
            let setup = try await Setup.start(fleet)
            try setup.worker(fleet, ["--concurrency", "1"], environment: [
                "SWITCHYARD_LLM": "openai", "SWITCHYARD_OPENAI_BASE_URL": llm.url("/v1"), "SWITCHYARD_OPENAI_API_KEY": "sk-test",
            ])
            let repaired = try await setup.generate("Three slides, repaired once", slides: 3)
            try await eventually("the repaired carousel", timeout: .seconds(30)) {
                try await setup.generation(repaired)["status"] as? String == "completed"
            }
            #expect(try await setup.generation(repaired)["title"] as? String == "Calm teams")
            let repair = String(decoding: llm.requests[1].body, as: UTF8.self)
            #expect(repair.contains("slides: expected exactly 3, got 2"), "the repair request names the problem: \(repair.prefix(500))")

            let invalid = try await setup.generate("Two slides, never valid", slides: 2)
            try await eventually("the generation to fail", timeout: .seconds(30)) {
                try await setup.generation(invalid)["status"] as? String == "failed"
            }
            let error = try #require(try await setup.generation(invalid)["error"] as? String)
            #expect(error.contains("title: expected a non-empty string") && error.contains("slides: expected exactly 2, got 1"), "\(error)")
            #expect(try await setup.credits(fleet) == 97, "the failed generation charged nothing")
            #expect(try await fleet.count("SELECT count(*) FROM api_usage WHERE api = 'llm'", settlingAt: 4) == 4)
            await setup.ingress.client.shutdown()
        }
    }

    /// A 1×1 PNG, as a fake image API would send.
    static let tinyPNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"

    static func openAIImage(delay: Duration = .zero) -> LoopbackRoute {
        LoopbackRoute(
            headers: [("Content-Type", "application/json")],
            body: Array(#"{"created":1,"data":[{"b64_json":"\#(tinyPNG)"}]}"#.utf8), delay: delay)
    }

    static func openAIEnvironment(_ server: LoopbackHTTPServer, timeout: Int = 10) -> [String: String] {
        ["SWITCHYARD_IMAGES": "openai", "SWITCHYARD_IMAGES_BASE_URL": server.url(""), "SWITCHYARD_IMAGES_API_KEY": "sk-images",
         "SWITCHYARD_IMAGES_MODEL": "fake-image", "SWITCHYARD_IMAGES_TIMEOUT_SECONDS": "\(timeout)"]
    }

    @Test func theOpenAIImageAPIsFailuresAreRetriedAsTheyDeserve() async throws {
        try await withFleet { fleet in
            let images = try LoopbackHTTPServer(scripts: ["/v1/images/generations": [
                LoopbackRoute(status: 429, headers: [("Retry-After", "2"), ("Content-Type", "application/json")],
                              body: Array(#"{"error":{"code":"rate_limit_exceeded","message":"slow down"}}"#.utf8)),
                Self.openAIImage(),
                LoopbackRoute(status: 500, body: Array("upstream".utf8)),
                LoopbackRoute(status: 500, body: Array("upstream".utf8)),
                Self.openAIImage(),
                Self.openAIImage(delay: .seconds(3)),
                Self.openAIImage(),
            ]])
            defer { images.stop() }
            let setup = try await Setup.start(fleet)
            try setup.worker(fleet, environment: Self.openAIEnvironment(images, timeout: 1))
            let limited = try await setup.generate("One slide about rate limits", slides: 1)
            try await eventually("the rate-limited slide to be drawn", timeout: .seconds(30)) {
                try await setup.generation(limited)["status"] as? String == "completed"
            }
            let times = images.requests.map(\.receivedAt)
            #expect(times.count == 2 && times[1] - times[0] >= .seconds(2), "waited at least Retry-After")
            #expect(images.requests[0].header("Authorization") == "Bearer sk-images")
            let body = try JSONSerialization.jsonObject(with: Data(images.requests[0].body)) as? [String: Any]
            #expect(body?["model"] as? String == "fake-image" && body?["response_format"] as? String == "b64_json" && body?["n"] as? Int == 1)
            #expect(try await fleet.count("SELECT count(*) FROM api_usage WHERE api = 'images'", settlingAt: 2) == 2, "one usage row per call")

            let flaky = try await setup.generate("One slide about flaky servers", slides: 1)
            try await eventually("the slide after two 500s", timeout: .seconds(40)) {
                try await setup.generation(flaky)["status"] as? String == "completed"
            }
            let slow = try await setup.generate("One slide about slow servers", slides: 1)
            try await eventually("the slide after a timeout", timeout: .seconds(40)) {
                try await setup.generation(slow)["status"] as? String == "completed"
            }
            #expect(try await fleet.count("SELECT count(*) FROM api_usage WHERE api = 'images' AND error LIKE 'timeout%'", settlingAt: 1) == 1)
            #expect(images.requests.count == 7)
            #expect(try await setup.credits(fleet) == 97)
            await setup.ingress.client.shutdown()
        }
    }

    @Test func aRefusedPromptOrANonImageFailsTheGenerationAndChargesNothing() async throws {
        try await withFleet { fleet in
            let images = try LoopbackHTTPServer(scripts: ["/v1/images/generations": [
                LoopbackRoute(status: 400, headers: [("Content-Type", "application/json")],
                              body: Array(#"{"error":{"code":"content_policy_violation","message":"refused by policy"}}"#.utf8)),
                LoopbackRoute(headers: [("Content-Type", "application/json")],
                              body: Array(#"{"data":[{"b64_json":"\#(Data("<html>not an image</html>".utf8).base64EncodedString())"}]}"#.utf8)),
            ]])
            defer { images.stop() }
            let setup = try await Setup.start(fleet, credits: 10)
            try setup.worker(fleet, ["--concurrency", "1"], environment: Self.openAIEnvironment(images))
            let refused = try await setup.generate("Two slides the policy refuses", slides: 2)
            try await eventually("the generation to fail", timeout: .seconds(30)) {
                try await setup.generation(refused)["status"] as? String == "failed"
            }
            let failed = try await setup.generation(refused)
            #expect((failed["error"] as? String)?.contains("content_policy") == true, "\(failed)")
            #expect(failed["credits_charged"] as? Bool == false)
            #expect(try await setup.credits(fleet) == 10, "nothing charged")
            #expect(images.requests.count == 1, "the second slide of a failed generation is skipped, not drawn")

            let notImage = try await setup.generate("One slide that is not an image", slides: 1)
            try await eventually("the generation to fail", timeout: .seconds(30)) {
                try await setup.generation(notImage)["status"] as? String == "failed"
            }
            #expect((try await setup.generation(notImage)["error"] as? String)?.contains("invalid_image") == true)
            #expect(try await setup.credits(fleet) == 10)
            // The reservation is released: ten credits cover a ten-slide generation again.
            let created = try await setup.ingress.send(.post, "/v1/generations", key: setup.tenant.key,
                                                       body: #"{"user_id":"ana","prompt":"ten","slide_count":10}"#)
            #expect(created.status == 201, "\(created.bodyText)")
            await setup.ingress.client.shutdown()
        }
    }

    @Test func geminiImagesComeFromTheInlineDataPart() async throws {
        try await withFleet { fleet in
            let image = #"{"candidates":[{"content":{"parts":[{"text":"here"},{"inlineData":{"mimeType":"image/png","data":"\#(Self.tinyPNG)"}}]},"finishReason":"STOP"}]}"#
            let gemini = try LoopbackHTTPServer(scripts: ["/v1beta/models/fake-gemini:generateContent": [
                LoopbackRoute(headers: [("Content-Type", "application/json")], body: Array(image.utf8)),
                LoopbackRoute(headers: [("Content-Type", "application/json")], body: Array(#"{"promptFeedback":{"blockReason":"SAFETY"}}"#.utf8)),
            ]])
            defer { gemini.stop() }
            let setup = try await Setup.start(fleet)
            try setup.worker(fleet, ["--concurrency", "1"], environment: [
                "SWITCHYARD_IMAGES": "gemini", "SWITCHYARD_IMAGES_BASE_URL": gemini.url(""), "SWITCHYARD_IMAGES_API_KEY": "g-key",
                "SWITCHYARD_IMAGES_MODEL": "fake-gemini",
            ])
            let drawn = try await setup.generate("A slide from Gemini", slides: 1)
            try await eventually("the Gemini slide", timeout: .seconds(30)) {
                try await setup.generation(drawn)["status"] as? String == "completed"
            }
            #expect(gemini.requests.first?.header("x-goog-api-key") == "g-key")
            let slide = try #require((try await setup.generation(drawn)["slides"] as? [[String: Any]])?.first)
            #expect(slide["width"] as? Int == 1 && slide["content_type"] as? String == "image/png")
            let blocked = try await setup.generate("A slide Gemini blocks", slides: 1)
            try await eventually("the blocked generation to fail", timeout: .seconds(30)) {
                try await setup.generation(blocked)["status"] as? String == "failed"
            }
            #expect(try await setup.credits(fleet) == 99)
            await setup.ingress.client.shutdown()
        }
    }

    @Test func aCancelledGenerationStopsDrawingAndChargesNothing() async throws {
        try await withFleet { fleet in
            let images = try LoopbackHTTPServer(routes: ["/v1/images/generations": Self.openAIImage(delay: .milliseconds(800))])
            defer { images.stop() }
            let setup = try await Setup.start(fleet, credits: 20)
            try setup.worker(fleet, ["--concurrency", "1"], environment: Self.openAIEnvironment(images))
            let id = try await setup.generate("Eight slides, cancelled half-way", slides: 8)
            try await eventually("the first slide", timeout: .seconds(30)) {
                try await fleet.count("SELECT count(*) FROM carousel_slides WHERE status = 'completed'") >= 1
            }
            let cancelled = try await setup.ingress.send(.post, "/v1/generations/\(id)/cancel", key: setup.tenant.key)
            #expect(cancelled.status == 202 && cancelled.json["status"] as? String == "cancelled", "\(cancelled.bodyText)")
            try await eventually("the queue to drain", timeout: .seconds(30)) {
                try await fleet.depths(["sy.work.imagegen"])["sy.work.imagegen"] == 0
            }
            let drawn = try await fleet.count("SELECT count(*) FROM carousel_slides WHERE status = 'completed'")
            #expect(drawn < 8, "the remaining slides were skipped")
            #expect(images.requests.count <= drawn + 1, "no slide was drawn after the cancel but the one in flight")
            #expect(try await setup.credits(fleet) == 20)
            #expect(try await setup.generation(id)["status"] as? String == "cancelled")
            await setup.ingress.client.shutdown()
        }
    }

    @Test func slideMessagesWithAnIndexNoCarouselHasAreDeadLettersAndChangeNothing() async throws {
        try await withFleet { fleet in
            let setup = try await Setup.start(fleet)
            try setup.worker(fleet)
            let id = try await setup.generate("Two slides", slides: 2)
            try await eventually("the carousel to complete", timeout: .seconds(30)) {
                try await setup.generation(id)["status"] as? String == "completed"
            }
            let hostile = [0, 11, 1 << 40].map { index in
                AMQPOutgoingMessage(
                    exchange: "", routingKey: "sy.work.imagegen", body: Array(#"{"v":1,"generation_id":"\#(id)","index":\#(index)}"#.utf8),
                    properties: AMQPProperties(headers: ["sy-tenant": .string(setup.tenant.id)], messageID: "slide-\(index)", type: "generation.slide"))
            }
            try await AbuseWorkerTests.publish(fleet, hostile)
            try await eventually("the three slide messages to be dead letters", timeout: .seconds(20)) {
                try await fleet.count("SELECT count(*) FROM dead_letters WHERE message_id LIKE 'slide-%'") == 3
            }
            #expect(try await fleet.count(
                "SELECT count(*) FROM dead_letters WHERE message_id LIKE 'slide-%' AND error_class = 'validation' AND attempts = 1") == 3)
            #expect(try await fleet.text("SELECT error FROM dead_letters WHERE message_id = 'slide-0'").contains("index 1...10"))
            #expect(try await setup.credits(fleet) == 98, "two credits, charged once")
            #expect(try await fleet.count("SELECT count(*) FROM carousel_slides") == 2)
            await setup.ingress.client.shutdown()
        }
    }

    @Test func aTenSlideCarouselSurvivesAWorkerKilledMidRun() async throws {
        try await withFleet { fleet in
            let images = try LoopbackHTTPServer(routes: ["/v1/images/generations": Self.openAIImage(delay: .milliseconds(300))])
            defer { images.stop() }
            let setup = try await Setup.start(fleet)
            let environment = Self.openAIEnvironment(images)
            let victim = try setup.worker(fleet, ["--concurrency", "2"], environment: environment)
            try setup.worker(fleet, ["--concurrency", "2"], environment: environment)
            let id = try await setup.generate("Ten slides through a crash", slides: 10)
            let stream = try await EventStreamClient.connect(
                port: setup.ingress.port, path: "/v1/generations/\(id)/events", headers: ["Authorization": "Bearer \(setup.tenant.key)"])
            try await eventually("some slides to be drawn", timeout: .seconds(30)) {
                try await fleet.count("SELECT count(*) FROM carousel_slides WHERE status = 'completed'") >= 3
            }
            kill(victim.processIdentifier, SIGKILL)
            victim.waitUntilExit()
            #expect(try await fleet.count("SELECT count(*) FROM carousel_slides WHERE status = 'completed'") < 10, "killed mid-run")
            try setup.worker(fleet, ["--concurrency", "2"], environment: environment)
            let events = try await stream.rest(timeout: .seconds(60))
            stream.close()
            #expect(events.last?.json["status"] as? String == "completed", "\(fleet.logs())")
            let percents = events.compactMap { $0.json["progress_percent"] as? Int }
            #expect(zip(percents, percents.dropFirst()).allSatisfy { $0 <= $1 }, "progress never goes back: \(percents)")
            let progress = events.filter { $0.event == "progress" }.compactMap { $0.json["progress_percent"] as? Int }
            #expect(Set(progress).count == progress.count, "strictly increasing: \(progress)")
            #expect(try await fleet.count("SELECT count(DISTINCT slide_index) FROM carousel_slides WHERE status = 'completed'") == 10)
            #expect(try await setup.credits(fleet) == 90, "ten credits, charged once")
            #expect(try await fleet.count("SELECT count(*) FROM live_updates WHERE data->>'status' = 'completed'") == 1, "completed once")
            let files = try FileManager.default.contentsOfDirectory(
                atPath: URL(string: setup.blobURL)!.path + "/generations/\(id)")
            #expect(files.filter { $0.hasPrefix("slide-") && $0.hasSuffix(".png") }.count == 10, "\(files)")
            await setup.ingress.client.shutdown()
        }
    }
}
