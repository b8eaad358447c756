/// The mutable part of an `MQTTClient`, kept behind one `Mutex`.
///
/// Nothing in here calls into libmosquitto: the lock is never held across a C call, so the network
/// thread (which holds libmosquitto's own locks while running callbacks) can never deadlock with a caller.
struct ClientState: Sendable {
    /// The network thread is running (between `start()` and the loop being stopped).
    var loopRunning = false
    var connected = false
    /// Counts lost connections, so a SUBSCRIBE sent on one connection is not awaited on the next.
    var connectionEpoch: UInt64 = 0
    /// `disconnect()` was called; the client cannot be started again.
    var shutDown = false
    /// Keeps the client alive while started: libmosquitto calls back through an unretained pointer.
    var keepAlive: MQTTClient?
    /// The CONNACK refusal since the last `start()` or successful connect, so late waiters learn it too.
    var refusal: MQTTError?
    /// Filters to restore after a reconnect that found no session, in subscription order.
    var subscriptions: [(filter: String, qos: MQTTQoS)] = []
    var birth: MQTTMessage?
    var acks = AckBook()
    /// Publishes handed to libmosquitto and not yet acknowledged (QoS 0: written), which it keeps in
    /// memory; a producer can wait on this instead of growing that queue without limit.
    var outstanding = 0
    /// Publishes the broker answered with a failure reason (MQTT 5: 0x87, not authorized by its ACL).
    var refused: UInt64 = 0
    var connectWaiters: [UInt64: CheckedContinuation<Result<Void, MQTTError>, Never>] = [:]
    var nextWaiterID: UInt64 = 0

    mutating func remember(_ filter: String, qos: MQTTQoS) {
        if let index = subscriptions.firstIndex(where: { $0.filter == filter }) {
            subscriptions[index].qos = qos
        } else {
            subscriptions.append((filter, qos))
        }
    }

    /// Hands back every connect waiter so the caller can resume them outside the lock.
    mutating func takeConnectWaiters() -> [CheckedContinuation<Result<Void, MQTTError>, Never>] {
        let waiters = Array(connectWaiters.values)
        connectWaiters = [:]
        return waiters
    }
}
