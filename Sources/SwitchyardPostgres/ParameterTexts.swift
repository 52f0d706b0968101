// A statement's parameter values as libpq takes them: NUL-terminated texts, here all in one
// buffer, so sending a statement costs no allocation per parameter.

import CSwitchyardPostgres
import Glibc

/// The text form of a statement's parameters and their types, ready for libpq.
struct ParameterTexts {
    /// Every non-NULL parameter's text, each followed by a NUL.
    private let bytes: [UInt8]
    /// Where each parameter's text starts in `bytes`; nil for SQL `NULL`.
    private let starts: [Int?]
    /// Each parameter's type, as libpq's `paramTypes` takes them.
    let types: [Oid]

    /// The number of parameters.
    var count: Int32 { Int32(starts.count) }

    /// Encodes the parameters.
    /// - Throws: ``PostgresError/Code/invalidValue`` for text with a NUL character.
    init(_ parameters: [any PostgresEncodable]) throws(PostgresError) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(parameters.count * 24)
        var starts: [Int?] = []
        starts.reserveCapacity(parameters.count)
        for (offset, parameter) in parameters.enumerated() {
            guard let text = parameter.postgresText else {
                starts.append(nil)
                continue
            }
            let start = bytes.count
            bytes.append(contentsOf: text.utf8)
            let hasNUL = bytes.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress, buffer.count > start else { return false }
                return memchr(base + start, 0, buffer.count - start) != nil
            }
            if hasNUL {
                throw PostgresError(.invalidValue, "parameter $\(offset + 1) contains a NUL character, which PostgreSQL text cannot hold")
            }
            starts.append(start)
            bytes.append(0)
        }
        self.bytes = bytes
        self.starts = starts
        types = parameters.map { type(of: $0).postgresType.oid }
    }

    /// Calls `body` with the values as libpq's `paramValues` takes them (valid only inside `body`).
    func withValues<T>(_ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> T) -> T {
        bytes.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { texts in
                withUnsafeTemporaryAllocation(of: UnsafePointer<CChar>?.self, capacity: starts.count) { values in
                    for (index, start) in starts.enumerated() {
                        values.initializeElement(at: index, to: start.flatMap { texts.baseAddress?.advanced(by: $0) })
                    }
                    return body(UnsafePointer(values.baseAddress))
                }
            }
        }
    }
}
