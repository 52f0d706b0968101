// SWITCHYARD_BLOB_URL and the S3 credentials: what parses, and errors that name the variable.

import SwitchyardBlobStore
import SwitchyardCore
import Testing

@Suite struct BlobStoreConfigurationTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    static let credentials = ["SWITCHYARD_S3_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "SWITCHYARD_S3_SECRET_ACCESS_KEY": secret]

    @Test func unsetMeansTheCallersFolder() throws {
        let configuration = try BlobStoreConfiguration(environment: [:], defaultFolder: "/srv/switchyard/../blobs")
        guard case .file(let root) = configuration.backend else {
            Issue.record("expected a file store, got \(configuration)")
            return
        }
        #expect(root == "/srv/blobs")
        #expect(configuration.makeStore() is FileBlobStore)
        #expect(configuration.makeStore().description == "file:///srv/blobs")
    }

    @Test func aRelativeDefaultFolderIsResolvedAgainstTheCurrentDirectory() throws {
        let configuration = try BlobStoreConfiguration(environment: [:], defaultFolder: ".services/blobs")
        #expect(configuration.description.hasPrefix("file:///"))
        #expect(configuration.description.hasSuffix("/.services/blobs"))
    }

    @Test func aFileURLNamesTheFolder() throws {
        for url in ["file:///var/lib/switchyard/blobs", "file://localhost/var/lib/switchyard/blobs/"] {
            let configuration = try BlobStoreConfiguration(environment: ["SWITCHYARD_BLOB_URL": url], defaultFolder: "/unused")
            #expect(configuration.description == "file:///var/lib/switchyard/blobs")
        }
    }

    @Test func anS3URLNamesBucketEndpointAndRegion() throws {
        let environment = Self.credentials.merging(
            ["SWITCHYARD_BLOB_URL": "s3://slides.example-1?endpoint=http://127.0.0.1:9000&region=eu-west-1"]) { $1 }
        let configuration = try BlobStoreConfiguration(environment: environment, defaultFolder: "/unused")
        guard case .s3(let s3) = configuration.backend else {
            Issue.record("expected an S3 store, got \(configuration)")
            return
        }
        #expect(s3.bucket == "slides.example-1")
        #expect(s3.endpoint == "http://127.0.0.1:9000")
        #expect(s3.region == "eu-west-1")
        #expect(s3.accessKeyID == "AKIAIOSFODNN7EXAMPLE")
        #expect(s3.secretAccessKey == Self.secret)
        let store = configuration.makeStore()
        #expect(store is S3BlobStore)
        #expect(store.description == "s3://slides.example-1 at http://127.0.0.1:9000 (eu-west-1)")
        for shown in [configuration.description, String(describing: configuration.backend), String(reflecting: s3), store.description] {
            #expect(!shown.contains(Self.secret))
        }
    }

    @Test(arguments: [
        ("", "SWITCHYARD_BLOB_URL", "set but empty"),
        ("::not a url::", "SWITCHYARD_BLOB_URL", "expected file:///folder or s3://"),
        ("ftp://host/blobs", "SWITCHYARD_BLOB_URL", "unknown scheme 'ftp'"),
        ("file:relative/blobs", "SWITCHYARD_BLOB_URL", "expected file:///absolute/folder"),
        ("file://otherhost/blobs", "SWITCHYARD_BLOB_URL", "expected file:///absolute/folder"),
        ("s3://slides?region=us-east-1", "SWITCHYARD_BLOB_URL", "endpoint=http(s)://host[:port]"),
        ("s3://slides?endpoint=http://127.0.0.1:9000", "SWITCHYARD_BLOB_URL", "region=name"),
        ("s3://slides?endpoint=ftp://127.0.0.1:9000&region=us-east-1", "SWITCHYARD_BLOB_URL", "endpoint=http(s)://host[:port]"),
        ("s3://slides?endpoint=http://127.0.0.1:9000/path&region=us-east-1", "SWITCHYARD_BLOB_URL", "endpoint=http(s)://host[:port]"),
        ("s3://slides?endpoint=http://127.0.0.1:9000&region=us-east-1&regoin=x", "SWITCHYARD_BLOB_URL", "unknown parameter 'regoin'"),
        ("s3://slides?endpoint=http://a:9000&endpoint=http://b:9000&region=us-east-1", "SWITCHYARD_BLOB_URL", "given twice"),
        ("s3://Slides?endpoint=http://127.0.0.1:9000&region=us-east-1", "SWITCHYARD_BLOB_URL", "bucket name"),
        ("s3://ab?endpoint=http://127.0.0.1:9000&region=us-east-1", "SWITCHYARD_BLOB_URL", "bucket name"),
        ("s3://slides/prefix?endpoint=http://127.0.0.1:9000&region=us-east-1", "SWITCHYARD_BLOB_URL", "no port, path or fragment"),
        ("s3://slides?endpoint=http://127.0.0.1:9000&region=US_EAST", "SWITCHYARD_BLOB_URL", "region=name"),
    ])
    func badURLsNameTheVariable(url: String, variable: String, problem: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try BlobStoreConfiguration(environment: Self.credentials.merging(["SWITCHYARD_BLOB_URL": url]) { $1 }, defaultFolder: "/unused")
        }
        #expect(error?.variable == variable)
        #expect(error?.problem.contains(problem) == true, "\(error?.problem ?? "no error")")
    }

    @Test func s3WithoutCredentialsNamesTheMissingVariable() {
        let url = "s3://slides?endpoint=http://127.0.0.1:9000&region=us-east-1"
        let noKey = #expect(throws: ConfigurationError.self) {
            try BlobStoreConfiguration(
                environment: ["SWITCHYARD_BLOB_URL": url, "SWITCHYARD_S3_SECRET_ACCESS_KEY": Self.secret], defaultFolder: "/unused")
        }
        #expect(noKey?.variable == "SWITCHYARD_S3_ACCESS_KEY_ID")
        let noSecret = #expect(throws: ConfigurationError.self) {
            try BlobStoreConfiguration(
                environment: ["SWITCHYARD_BLOB_URL": url, "SWITCHYARD_S3_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE"], defaultFolder: "/unused")
        }
        #expect(noSecret?.variable == "SWITCHYARD_S3_SECRET_ACCESS_KEY")
        let badKey = #expect(throws: ConfigurationError.self) {
            try BlobStoreConfiguration(
                environment: Self.credentials.merging(["SWITCHYARD_BLOB_URL": url, "SWITCHYARD_S3_ACCESS_KEY_ID": "AKIA/evil,x"]) { $1 },
                defaultFolder: "/unused")
        }
        #expect(badKey?.variable == "SWITCHYARD_S3_ACCESS_KEY_ID")
    }

    @Test func secretsInTheURLAreRefusedAndNeverShown() {
        let error = #expect(throws: ConfigurationError.self) {
            try BlobStoreConfiguration(
                environment: Self.credentials.merging(
                    ["SWITCHYARD_BLOB_URL": "s3://AKIA:hunter2secret@slides?endpoint=http://127.0.0.1:9000&region=us-east-1"]) { $1 },
                defaultFolder: "/unused")
        }
        #expect(error?.variable == "SWITCHYARD_BLOB_URL")
        #expect(error?.problem.contains("SWITCHYARD_S3_SECRET_ACCESS_KEY") == true)
        #expect(error?.description.contains("hunter2secret") == false)
        let garbled = #expect(throws: ConfigurationError.self) {
            try BlobStoreConfiguration(environment: ["SWITCHYARD_BLOB_URL": "weird://u:hunter2secret@[bad"], defaultFolder: "/unused")
        }
        #expect(garbled?.description.contains("hunter2secret") == false)
    }
}
