// How many Server-Sent Event streams each tenant holds open, within a per-tenant maximum.

import Synchronization

/// Counts open streams per tenant; a stream holds a ``Lease`` for as long as it is open.
public final class StreamQuota: Sendable {
    /// One open stream's place in its tenant's count, given back when the lease is released
    /// (when the stream's body, which holds it, ends or is dropped unstarted).
    public final class Lease: Sendable {
        private let quota: StreamQuota
        private let tenantID: String

        fileprivate init(quota: StreamQuota, tenantID: String) {
            self.quota = quota
            self.tenantID = tenantID
        }

        deinit {
            quota.release(tenantID)
        }
    }

    /// The most streams one tenant may hold open.
    public let maxPerTenant: Int
    private let open = Mutex<[String: Int]>([:])

    /// Creates a quota of `maxPerTenant` streams per tenant.
    public init(maxPerTenant: Int) {
        self.maxPerTenant = maxPerTenant
    }

    /// A lease for one more stream of `tenantID`, or nil when it holds the maximum already.
    func lease(for tenantID: String) -> Lease? {
        let granted = open.withLock { open in
            let count = open[tenantID, default: 0]
            guard count < maxPerTenant else { return false }
            open[tenantID] = count + 1
            return true
        }
        return granted ? Lease(quota: self, tenantID: tenantID) : nil
    }

    /// Streams `tenantID` holds open now.
    func count(for tenantID: String) -> Int {
        open.withLock { $0[tenantID, default: 0] }
    }

    private func release(_ tenantID: String) {
        open.withLock { open in
            let count = open[tenantID, default: 1] - 1
            open[tenantID] = count > 0 ? count : nil
        }
    }
}
