// A serial executor that owns one OS thread: actors bound to it run every job there, so the
// blocking C calls they make (libpq, libcurl) never occupy Swift's cooperative thread pool.

import Foundation
import Synchronization

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
    // Sendable: `queue` is a `Mutex`, `spare` is only touched by the executor's thread, `thread`
    // is written once, before the thread runs a job.
    private struct Queue {
        var jobs: [UnownedJob] = []
        var stopping = false
        /// The thread found the queue empty and waits on `wakeUp`.
        var sleeping = false
    }

    private let queue = Mutex(Queue())
    private let wakeUp = DispatchSemaphore(value: 0)
    private var spare: [UnownedJob] = []
    private var thread: Thread?

    /// Starts the executor's thread.
    /// - Parameter name: The thread's name, shown by debuggers and `top -H`.
    public init(name: String) {
        NamedThread.start(name: name, beforeRunning: { self.thread = $0 }) { [self] in runJobs() }
    }

    /// Queues a job to run on this executor's thread. The thread is woken only when it sleeps,
    /// and after the lock is released, so it never wakes into a held lock.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let wake = queue.withLock { queue in
            queue.jobs.append(job)
            defer { queue.sleeping = false }
            return queue.sleeping
        }
        if wake { wakeUp.signal() }
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
        let wake = queue.withLock { queue in
            queue.stopping = true
            defer { queue.sleeping = false }
            return queue.sleeping
        }
        if wake { wakeUp.signal() }
    }

    private enum Next {
        case run, sleep, exit
    }

    private func runJobs() {
        let executor = asUnownedSerialExecutor()
        while true {
            let next = queue.withLock { queue -> Next in
                if !queue.jobs.isEmpty {
                    swap(&queue.jobs, &spare)
                    return .run
                }
                if queue.stopping { return .exit }
                queue.sleeping = true
                return .sleep
            }
            switch next {
            case .run:
                for job in spare {
                    job.runSynchronously(on: executor)
                }
                spare.removeAll(keepingCapacity: true)
            case .sleep:
                wakeUp.wait()
            case .exit:
                return
            }
        }
    }
}
