// The flag that carries a Swift task's cancellation into libcurl's progress callback.

import Synchronization

/// Set by the awaiting task's cancellation handler (any thread), read by libcurl's progress
/// callback on the worker's thread, which then aborts the transfer.
final class CurlCancellation: Sendable {
    private let flag = Atomic<Bool>(false)

    /// Asks the transfer to stop.
    func cancel() {
        flag.store(true, ordering: .relaxed)
    }

    /// Whether ``cancel()`` has been called.
    var isCancelled: Bool {
        flag.load(ordering: .relaxed)
    }
}
