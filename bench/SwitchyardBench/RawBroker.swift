// One run of the raw broker benchmark on one queue type (see main.swift for the procedure).

import SwitchyardAMQP

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
}

/// Outcomes of a publish phase.
struct PublishCounts: Sendable {
    var confirmed = 0
    var nacked = 0
    var failed = 0
    var firstError: String?

    mutating func add(_ other: PublishCounts) {
        confirmed += other.confirmed
        nacked += other.nacked
        failed += other.failed
        firstError = firstError ?? other.firstError
    }

    mutating func record(_ error: any Error) {
        if let error = error as? AMQPError, error.code == .nacked {
            nacked += 1
        } else {
            failed += 1
            firstError = firstError ?? "\(error)"
        }
    }
}

struct RawBroker {
    let options: Options
    let queueType: String
    let run: Int

    var queue: String { "bench.raw.\(queueType)" }
    var system: String { "switchyard-\(queueType)" }

    func runOnce() async throws {
        let admin = try await AMQPConnection.connect(url: options.url, connectionName: "switchyard-bench admin")
        do {
            let channel = try await admin.openChannel()
            try await channel.deleteQueue(queue)
            try await channel.declareQueue(queue, durable: true, arguments: ["x-queue-type": .string(queueType)])

            if options.variants.contains("batch") {
                try await publishPhase(batched: true, admin: channel)
                try await consumePhase(admin: channel)
            }
            if options.variants.contains("single") {
                if try await channel.declareQueuePassive(queue).messageCount != 0 {
                    try await channel.purgeQueue(queue)
                }
                try await publishPhase(batched: false, admin: channel)
            }
            try await channel.deleteQueue(queue)
        } catch {
            await admin.close()
            throw error
        }
        await admin.close()
    }

    // MARK: Publish

    private func publishPhase(batched: Bool, admin: AMQPChannel) async throws {
        await waitForQuiet(maxWait: options.quietWait)
        let connection = try await AMQPConnection.connect(url: options.url, connectionName: "switchyard-bench publish")
        let channel: AMQPChannel
        do {
            channel = try await connection.openChannel(confirms: true)
        } catch {
            await connection.close()
            throw error
        }
        // One message value, published N times: the body array is shared (copy-on-write).
        let message = AMQPOutgoingMessage(
            exchange: "", routingKey: queue, body: [UInt8](repeating: UInt8(ascii: "x"), count: options.size),
            properties: AMQPProperties(deliveryMode: AMQPProperties.persistent))

        let meter = CpuMeter.start(enabled: options.cpu)
        let watchdog = Watchdog(timeout: options.timeout, closing: connection)
        let t0 = clock.now
        let counts = batched
            ? await publishBatches(message, on: channel)
            : await publishEach(message, on: channel)
        let t1 = clock.now
        let timedOut = await watchdog.stop()
        let usage = meter?.stop() ?? []
        await connection.close()

        let label = batched ? "batch" : "per-message"
        guard counts.confirmed + counts.nacked == options.n, !timedOut else {
            throw BenchFailure(description: "publish (\(label), \(queueType)) failed\(timedOut ? " (timeout after \(options.timeout) s)" : ""): confirmed \(counts.confirmed)/\(options.n), nacked \(counts.nacked), failed \(counts.failed); first error: \(counts.firstError ?? "none")")
        }
        let depth = Int(try await admin.declareQueuePassive(queue).messageCount)
        var extra: [(String, Field)] = [
            ("n", .int(options.n)), ("size", .int(options.size)), ("window", .int(options.window)),
            ("nacked", .int(counts.nacked)), ("variant", .string(label)),
        ]
        if batched {
            extra += [("batch", .int(options.batch)), ("batches_in_flight", .int(max(1, options.window / options.batch)))]
        }
        extra += [("depth_after", .int(depth))] + usage
        if depth != options.n { warn("\(queue): depth \(depth) after publishing \(options.n)") }
        emit(system: system, scenario: batched ? "raw-publish-confirms" : "raw-publish-confirms-per-message",
             metric: "publish_rate", value: Double(options.n) / (t1 - t0).seconds, unit: "msg/s", run: run, extra)
    }

    /// `publish([messages])`: batches of `batch`, `window / batch` batches in flight (one task each).
    private func publishBatches(_ message: AMQPOutgoingMessage, on channel: AMQPChannel) async -> PublishCounts {
        let n = options.n
        let size = options.batch
        let inFlight = max(1, options.window / size)
        let batches = (n + size - 1) / size
        let full = [AMQPOutgoingMessage](repeating: message, count: size)
        return await withTaskGroup(of: PublishCounts.self) { group in
            for worker in 0..<min(inFlight, batches) {
                group.addTask {
                    var counts = PublishCounts()
                    var index = worker
                    while index < batches {
                        let count = min(size, n - index * size)
                        // The same array every time: handing it over retains it, copies nothing.
                        let results = await channel.publish(count == size ? full : Array(full.prefix(count)))
                        var broken = false
                        for result in results {
                            switch result {
                            case .success: counts.confirmed += 1
                            case .failure(let error):
                                counts.record(error)
                                if error.code != .nacked { broken = true }
                            }
                        }
                        if broken { break }
                        index += inFlight
                    }
                    return counts
                }
            }
            var total = PublishCounts()
            for await counts in group { total.add(counts) }
            return total
        }
    }

    /// `publish(message)` per message from `window` tasks, each awaiting its confirm before its
    /// next publish: at most `window` unconfirmed.
    private func publishEach(_ message: AMQPOutgoingMessage, on channel: AMQPChannel) async -> PublishCounts {
        let n = options.n
        let tasks = min(options.window, n)
        return await withTaskGroup(of: PublishCounts.self) { group in
            for worker in 0..<tasks {
                let share = n / tasks + (worker < n % tasks ? 1 : 0)
                group.addTask {
                    var counts = PublishCounts()
                    for _ in 0..<share {
                        do {
                            try await channel.publish(message)
                            counts.confirmed += 1
                        } catch {
                            counts.record(error)
                            if (error as? AMQPError)?.code != .nacked { break }
                        }
                    }
                    return counts
                }
            }
            var total = PublishCounts()
            for await counts in group { total.add(counts) }
            return total
        }
    }

    // MARK: Consume

    private func consumePhase(admin: AMQPChannel) async throws {
        let n = options.n
        let depth = Int(try await admin.declareQueuePassive(queue).messageCount)
        let connection = try await AMQPConnection.connect(url: options.url, connectionName: "switchyard-bench consume")
        var count = 0
        var wrongSize = 0
        var t0: ContinuousClock.Instant?
        var t1: ContinuousClock.Instant?
        let meter = CpuMeter.start(enabled: options.cpu)
        let watchdog = Watchdog(timeout: options.timeout, closing: connection)
        do {
            let channel = try await connection.openChannel()
            let consumer = try await channel.consume(queue: queue, prefetch: UInt16(options.prefetch))
            for try await delivery in consumer {
                if t0 == nil { t0 = clock.now }
                if delivery.body.count != options.size { wrongSize += 1 }
                try channel.ack(delivery.deliveryTag)
                count += 1
                if count == n {
                    t1 = clock.now
                    break
                }
            }
        } catch {
            _ = await watchdog.stop()
            await connection.close()
            throw BenchFailure(description: "consume (\(queueType)) failed after \(count)/\(n): \(error)")
        }
        let timedOut = await watchdog.stop()
        let usage = meter?.stop() ?? []
        await connection.close()  // after the queued acks: the loop thread runs commands in order
        guard let t0, let t1, !timedOut else {
            throw BenchFailure(description: "consume (\(queueType)) got \(count)/\(n)\(timedOut ? " (timeout after \(options.timeout) s)" : "")")
        }
        if wrongSize > 0 { warn("\(wrongSize) deliveries did not have \(options.size) bytes") }
        let left = Int(try await admin.declareQueuePassive(queue).messageCount)
        if left != 0 { warn("\(queue): \(left) messages left after consuming") }
        emit(system: system, scenario: "raw-consume-ack", metric: "consume_rate",
             value: Double(n) / (t1 - t0).seconds, unit: "msg/s", run: run,
             [("n", .int(n)), ("prefetch", .int(options.prefetch)), ("depth_before", .int(depth)),
              ("left_after", .int(left))] + usage)
    }
}
