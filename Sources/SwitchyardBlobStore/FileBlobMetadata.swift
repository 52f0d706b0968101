// What the file store keeps beside a blob: its content type, as a small JSON file.

import Foundation

/// The content of a blob's `~meta` file: `{"content_type":"image/png"}`.
struct FileBlobMetadata: Codable, Equatable {
    /// The blob's content type.
    var contentType: String

    private enum CodingKeys: String, CodingKey {
        case contentType = "content_type"
    }

    init(contentType: String) {
        self.contentType = contentType
    }

    /// Reads a metadata file's bytes; `nil` when they are not this JSON.
    init?(decoding bytes: [UInt8]) {
        guard let metadata = try? JSONDecoder().decode(Self.self, from: Data(bytes)) else { return nil }
        self = metadata
    }

    /// The JSON bytes of the metadata file.
    func encoded() -> [UInt8] {
        // A struct of one String always encodes.
        (try? Array(JSONEncoder().encode(self))) ?? []
    }
}
