import Synchronization
public import VigilMQTT

extension AgentContext {
    /// Hands every message to `consumer` in arrival order: first those already waiting in
    /// `messages` (on the calling task), then each where it arrives, on the MQTT network thread.
    /// Returns when the agent must stop and `messages` has ended.
    ///
    /// For an agent that judges a stream (a reading after an older one of its asset would step
    /// its state back) and whose per-message work costs less than a thread hop. `consumer` is
    /// never called twice at once; while it runs the socket is not read. `turnEnded` is as for
    /// `consume`.
    public func consumeInOrder(
        _ consumer: @escaping @Sendable (MQTTMessage) -> Void, turnEnded: (@Sendable () -> Void)? = nil
    ) async {
        let order = Mutex(InOrder())
        let waiting = consume(
            { message in
                let now = order.withLock { order in
                    if order.direct { return true }
                    order.held.append(message)
                    return false
                }
                if now { consumer(message) }
            }, turnEnded: turnEnded)
        var backlog = waiting
        if backlog == 0 { Self.release(order, to: consumer) }
        for await message in messages {
            consumer(message)
            backlog -= 1
            if backlog == 0 { Self.release(order, to: consumer) }
        }
    }

    /// Hands over what arrived while the backlog was judged, until none is left; only then may the
    /// network thread call `consumer` itself, so nothing overtakes what it holds.
    private static func release(_ order: borrowing Mutex<InOrder>, to consumer: (MQTTMessage) -> Void) {
        while true {
            let held = order.withLock { order -> [MQTTMessage] in
                if order.held.isEmpty { order.direct = true }
                defer { order.held = [] }
                return order.held
            }
            if held.isEmpty { return }
            for message in held { consumer(message) }
        }
    }
}

/// Messages held back while older ones still wait in `messages`.
struct InOrder: Sendable {
    var held: [MQTTMessage] = []
    var direct = false
}
