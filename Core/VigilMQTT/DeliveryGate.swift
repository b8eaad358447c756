import Synchronization

#if canImport(Glibc)
    internal import Glibc
#endif

/// Bounds how many received messages wait for their consumer.
///
/// libmosquitto hands every message to a callback on the network thread, and a consumer slower than
/// the broker (a recorder catching up on a session backlog after an outage) would otherwise let
/// them pile up in memory without limit. When the limit is reached the network thread waits, so
/// the socket is not read, TCP pushes back, and the broker keeps the rest queued where it belongs.
/// The wait is bounded, so keepalive pings still go out and a consumer that never reports
/// progress cannot wedge the connection.
final class DeliveryGate: Sendable {
    let limit: Int
    private let waiting = Mutex(0)
    private let stalls = Mutex(0)

    init(limit: Int) { self.limit = limit }

    /// Called on the network thread before a message is handed over.
    func enter(isShutDown: () -> Bool) {
        var waited = 0
        while waiting.withLock({ $0 }) >= limit, waited < 5_000, !isShutDown() {
            if waited == 0 { stalls.withLock { $0 += 1 } }
            usleep(1000)
            waited += 1
        }
        waiting.withLock { $0 += 1 }
    }

    /// Called by the consumer for each message it has taken.
    func leave() { waiting.withLock { $0 = max(0, $0 - 1) } }

    var pending: Int { waiting.withLock { $0 } }

    /// How many times the network thread had to wait for the consumer.
    var stallCount: Int { stalls.withLock { $0 } }
}
