// Waiting for a child process with a deadline, reaping it ourselves.

public import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension Process {
    /// Waits until the process exits, at most `timeout`; after that it is killed.
    ///
    /// Foundation on Linux learns of a child's exit only once every process that inherited the
    /// child's end of its status socket has exited, so `waitUntilExit()` blocks for as long as a
    /// script's orphaned grandchildren live. This polls `waitpid` itself (every 200 ms) instead.
    /// - Returns: The exit status (128 + the signal's number when a signal ended it), or nil when
    ///   it did not exit in time.
    public func exitStatus(within timeout: Duration) -> Int32? {
        let deadline = ContinuousClock.now + timeout
        let pid = processIdentifier
        while true {
            if !isRunning { return terminationStatus }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                let signal = status & 0x7F
                return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
            }
            if ContinuousClock.now >= deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                return nil
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }
}
