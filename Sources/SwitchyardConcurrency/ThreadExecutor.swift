// A serial executor that owns one OS thread: actors bound to it run every job there, so the
// blocking C calls they make (libpq, libcurl) never occupy Swift's cooperative thread pool.

import Foundation

/// A `SerialExecutor` that runs every job on one dedicated thread, in enqueue order.
///
/// Bind an actor to it to give a blocking C handle a thread of its own (GRDB's and SQLiteNIO's
/// approach): the actor's methods then run on that thread, and a blocking call inside them stalls
/// only this executor.
///
/// ```swift
/// actor Connection {
///     let executor = ThreadExecutor(name: "pg-1")
///     nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
/// }
/// ```
///
/// The thread lives until ``shutdown()`` is called and the queued jobs have run.
public final class ThreadExecutor: SerialExecutor, @unchecked Sendable {
    // Sendable: `jobs` and `stopping` are only touched with `condition` locked, `spare` only by
    // the executor's thread; `thread` is written once, before the thread starts.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var spare: [UnownedJob] = []
    private var stopping = false
    private var thread: Thread?

    /// Starts the executor's thread.
    /// - Parameter name: The thread's name, shown by debuggers and `top -H`.
    public init(name: String) {
        let started = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in
            // Named from the thread itself once `start()` has returned: before that,
            // Foundation on Linux doesn't know the thread as its own and the name never
            // reaches the OS thread (which keeps its creator's name in `top -H`).
            started.wait()
            Thread.current.name = name
            self.runJobs()
        }
        thread.name = name
        self.thread = thread
        thread.start()
        started.signal()
    }

    /// Queues a job to run on this executor's thread.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Whether the caller runs on this executor's thread.
    public var isCurrent: Bool {
        Thread.current === thread
    }

    /// Traps unless the caller runs on this executor's thread (lets `assumeIsolated` work).
    public func checkIsolated() {
        precondition(isCurrent, "not on the thread of this ThreadExecutor")
    }

    /// Lets the thread finish the jobs already queued, then exit. Jobs enqueued afterwards
    /// still run before the thread exits, so no continuation is ever left hanging.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func runJobs() {
        let executor = asUnownedSerialExecutor()
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping {
                condition.wait()
            }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            swap(&jobs, &spare)
            condition.unlock()
            for job in spare {
                job.runSynchronously(on: executor)
            }
            spare.removeAll(keepingCapacity: true)
        }
    }
}
