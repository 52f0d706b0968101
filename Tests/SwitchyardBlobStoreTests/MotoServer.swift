// A local S3 server for one test: moto on a free loopback port, signatures checked, stopped after.

import Foundation
import SwitchyardBlobStore
import SwitchyardTestSupport
import Testing

/// A moto server (`python -m moto.server`) with one bucket and one IAM user's access key, that
/// checks every request's signature: an independent S3 implementation (moto re-derives each
/// signature with botocore) for the S3 store to talk to.
///
/// `SWITCHYARD_TEST_PYTHON` (which `scripts/test` sets to its virtualenv) names the Python
/// that has `moto[server]`; without it, `python3`. The server logs to a temporary file whose
/// end is shown when it fails to start.
struct MotoServer {
    /// `http://127.0.0.1:PORT`.
    let endpoint: String
    /// The bucket that exists.
    let bucket: String
    /// The IAM user's access key id.
    let accessKeyID: String
    /// The IAM user's secret access key.
    let secretAccessKey: String

    /// A store configuration for this server, with this server's credentials unless told otherwise.
    func configuration(bucket: String? = nil, secretAccessKey: String? = nil) -> S3BlobStore.Configuration {
        S3BlobStore.Configuration(
            endpoint: endpoint, bucket: bucket ?? self.bucket, region: "us-east-1", accessKeyID: accessKeyID,
            secretAccessKey: secretAccessKey ?? self.secretAccessKey, timeout: .seconds(30))
    }

    /// Starts a server, prepares it (`moto_setup.py`: IAM user and key, the bucket, signature
    /// checking on), runs `body`, and stops the server, whatever `body` does.
    static func with<Value>(_ body: (MotoServer) async throws -> Value) async throws -> Value {
        let python = ProcessInfo.processInfo.environment["SWITCHYARD_TEST_PYTHON"] ?? "python3"
        let port = try freeLoopbackPort()
        let log = FileManager.default.temporaryDirectory.appending(path: "switchyard-moto-\(UUID().uuidString).log")
        try Data().write(to: log)
        let logHandle = try FileHandle(forWritingTo: log)
        let server = Process()
        server.executableURL = URL(filePath: "/usr/bin/env")
        server.arguments = [python, "-m", "moto.server", "-H", "127.0.0.1", "-p", "\(port)"]
        server.standardInput = FileHandle.nullDevice
        server.standardOutput = logHandle
        server.standardError = logHandle
        try server.run()

        let outcome: Result<Value, any Error>
        do {
            let moto = try await prepare(endpoint: "http://127.0.0.1:\(port)", python: python, log: log)
            outcome = .success(try await body(moto))
        } catch {
            outcome = .failure(error)
        }
        // SIGKILL: on SIGTERM moto's server waits for every open client connection to close,
        // and the store's HTTP client keeps its connections alive. moto keeps nothing on disk.
        kill(server.processIdentifier, SIGKILL)
        try await runOffThePool { server.waitUntilExit() }
        try? logHandle.close()
        try? FileManager.default.removeItem(at: log)
        return try outcome.get()
    }

    /// Runs `moto_setup.py` against the started server and reads the credentials it prints.
    private static func prepare(endpoint: String, python: String, log: URL) async throws -> MotoServer {
        let script = try #require(Bundle.module.url(forResource: "moto_setup", withExtension: "py"))
        let bucket = "switchyard-blobs"
        let setup = try await runOffThePool {
            try SwitchyardProcess.run(executable: URL(filePath: "/usr/bin/env"), [python, script.path, endpoint, bucket])
        }
        guard setup.status == 0,
              let credentials = try? JSONDecoder().decode([String: String].self, from: Data(setup.standardOutput.utf8)),
              let accessKeyID = credentials["access_key_id"], let secretAccessKey = credentials["secret_access_key"]
        else {
            let serverLog = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            Issue.record("""
                could not start moto with \(python) (exit \(setup.status)): \(setup.standardError.suffix(2_000))
                moto's log: \(serverLog.suffix(2_000))
                The S3 tests need moto[server]: run scripts/test, which installs it into .services/python and \
                points SWITCHYARD_TEST_PYTHON there (or set SWITCHYARD_TEST_PYTHON to a Python that has it).
                """)
            throw MotoUnavailable()
        }
        return MotoServer(endpoint: endpoint, bucket: bucket, accessKeyID: accessKeyID, secretAccessKey: secretAccessKey)
    }

    /// Runs blocking `work` (waiting for a process) on a thread of its own, not on the
    /// cooperative pool.
    private static func runOffThePool<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}

/// Thrown after the reason was recorded as an issue: moto could not be started.
struct MotoUnavailable: Error, CustomStringConvertible {
    var description: String { "moto could not be started (the issue above says why)" }
}
