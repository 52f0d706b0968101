// SwitchyardBench -- the raw broker benchmark of SwitchyardAMQP, mirroring
// shared/bench/anchors/raw_broker.py (pika) so the figures sit beside it. See bench/README.md.
//
// For each queue type (classic, quorum):
//   1. delete + declare a durable queue `bench.raw.<type>` (x-queue-type)
//   2. publish N persistent (delivery_mode 2) SIZE-byte messages with publisher confirms,
//      at most WINDOW unconfirmed in flight; time = first publish -> last confirm
//        headline: `publish([AMQPOutgoingMessage])` batches of BATCH, WINDOW/BATCH batches in flight
//   3. check the depth, consume all N with manual ack (one basic.ack per message), prefetch
//      PREFETCH, on a separate connection; time = first delivery -> last ack
//   4. check the queue is empty
//   5. variant: publish N again with `publish(_:)` per message from WINDOW tasks (each awaits
//      its confirm before its next publish), then delete the queue (with its messages)
// One JSON record per figure goes to stdout and, when set, is appended to $BENCH_JSONL.
//
// `SwitchyardBench pipeline ...` runs the worker pipeline benchmark instead (Pipeline.swift):
// the anchors' drain and latency scenarios for `switchyard work probe`.
// `SwitchyardBench noop-server PORT` and `SwitchyardBench ingress-load ...` are the ingress
// benchmark's baseline server and load generator (IngressLoad.swift, bench/ingress.sh).
// `SwitchyardBench jsonpath ...` times JSONPath evaluation (JSONPathBench.swift, bench/jsonpath.sh).
// `SwitchyardBench json-bodies` times decoding a probe.run body (JSONBodiesBench.swift).
// `SwitchyardBench chaos ...` runs one fault scenario and counts what landed (Chaos.swift,
// scripts/chaos).

import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "noop-server" {
    try await NoopServer.run(port: Int(arguments.dropFirst().first ?? "") ?? 18081)
    exit(0)
}
if arguments.first == "ingress-load" {
    do {
        try await IngressLoad.parse(Array(arguments.dropFirst())).run()
    } catch {
        FileHandle.standardError.write(Data("switchyard-bench ingress-load: \(error)\n\n\(IngressLoad.usage)\n".utf8))
        exit(2)
    }
    exit(0)
}
if arguments.first == "jsonpath" {
    do {
        try JSONPathBench.parse(Array(arguments.dropFirst())).runAll()
    } catch {
        FileHandle.standardError.write(Data("switchyard-bench jsonpath: \(error)\n\n\(JSONPathBench.usage)\n".utf8))
        exit(2)
    }
    exit(0)
}
if arguments.first == "json-bodies" {
    do {
        try JSONBodiesBench.run(Array(arguments.dropFirst()))
    } catch {
        FileHandle.standardError.write(Data("switchyard-bench json-bodies: \(error)\n\n\(JSONBodiesBench.usage)\n".utf8))
        exit(2)
    }
    exit(0)
}
if arguments.first == "chaos" {
    let chaosOptions: ChaosOptions
    do {
        chaosOptions = try ChaosOptions.parse(Array(arguments.dropFirst()))
    } catch {
        FileHandle.standardError.write(Data("switchyard-bench chaos: \(error)\n\n\(ChaosOptions.usage)\n".utf8))
        exit(2)
    }
    do {
        try await Chaos(options: chaosOptions).run()
    } catch {
        FileHandle.standardError.write(Data("switchyard-bench chaos: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}
if arguments.first == "pipeline" {
    let pipelineOptions: PipelineOptions
    do {
        pipelineOptions = try PipelineOptions.parse(Array(arguments.dropFirst()))
    } catch {
        FileHandle.standardError.write(Data("switchyard-bench pipeline: \(error)\n\n\(PipelineOptions.usage)\n".utf8))
        exit(2)
    }
    do {
        try await Pipeline(options: pipelineOptions).run()
    } catch {
        FileHandle.standardError.write(Data("switchyard-bench pipeline: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}

let options: Options
do {
    options = try Options.parse(arguments)
} catch {
    FileHandle.standardError.write(Data("switchyard-bench: \(error)\n\n\(Options.usage)\n".utf8))
    exit(2)
}

do {
    for run in options.firstRun..<(options.firstRun + options.runs) {
        for type in options.types {
            try await RawBroker(options: options, queueType: type, run: run).runOnce()
        }
    }
} catch {
    FileHandle.standardError.write(Data("switchyard-bench: \(error)\n".utf8))
    exit(1)
}
