internal import CMosquitto

/// libmosquitto's callbacks run on the client's network thread, except the disconnect callback after
/// `disconnect()`, which may run on the caller's. They are C function pointers, so they capture
/// nothing and find the client through the userdata pointer.
extension MQTTClient {
    static func installCallbacks(on handle: OpaquePointer) {
        mosquitto_connect_v5_callback_set(handle) { _, userdata, code, flags, _ in
            MQTTClient.from(userdata)?.connectArrived(code: code, flags: flags)
        }
        mosquitto_disconnect_v5_callback_set(handle) { _, userdata, code, _ in
            MQTTClient.from(userdata)?.connectionClosed(code: code)
        }
        mosquitto_publish_v5_callback_set(handle) { _, userdata, mid, reason, _ in
            MQTTClient.from(userdata)?.acknowledged(mid, .published(reason: reason))
        }
        mosquitto_subscribe_v5_callback_set(handle) { _, userdata, mid, count, granted, _ in
            let codes = granted.map { Array(UnsafeBufferPointer(start: $0, count: Int(max(0, count)))) } ?? []
            MQTTClient.from(userdata)?.acknowledged(mid, .subscribed(granted: codes))
        }
        mosquitto_message_v5_callback_set(handle) { _, userdata, message, _ in
            guard let message = message?.pointee, let client = MQTTClient.from(userdata) else { return }
            // A stop must not wait here for a consumer that is behind: this message is already
            // acknowledged to the broker, and the stop hands the consumer what it has.
            client.gate?.enter { client.network.isReadingPaused || client.state.withLock { $0.shutDown } }
            let payload =
                message.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: Int(message.payloadlen))) } ?? []
            let received = MQTTMessage(
                topic: message.topic.map { String(cString: $0) } ?? "",
                payload: payload,
                qos: MQTTQoS(rawValue: message.qos) ?? .atMostOnce,
                retain: message.retain
            )
            if let handler = client.messageHandler.withLock({ $0 }) {
                handler.call(received)
            } else {
                client.messageSink.yield(received)
            }
        }
    }

    /// CONNACK: on success restore what a lost session forgot, then announce the connection; on refusal
    /// fail the waiters with the broker's reason.
    private func connectArrived(code: Int32, flags: Int32) {
        guard code == 0 else {
            let error = MQTTError.failure("connect", code: code, source: .connack)
            let waiters = state.withLock { state in
                state.refusal = error
                return state.takeConnectWaiters()
            }
            eventSink.yield(.connectFailed(reason: error.message))
            for waiter in waiters {
                waiter.resume(returning: .failure(error))
            }
            return
        }
        let sessionPresent = flags & 1 != 0
        let (subscriptions, birth) = state.withLock { state in
            state.connected = true
            state.refusal = nil
            // A count carried over a lost connection could drift (a message libmosquitto dropped
            // without a callback) and hold producers back for good: start afresh each time.
            state.outstanding = 0
            return (state.subscriptions, state.birth)
        }
        // Sending from the network thread is fine: libmosquitto only queues the packets here, and their
        // acks cannot be processed before this callback returns, so marking them unawaited is race free.
        if !sessionPresent {
            for subscription in subscriptions {
                var mid: Int32 = 0
                let rc = mosquitto_subscribe_v5(handle, &mid, subscription.filter, subscription.qos.rawValue, 0, nil)
                if rc == MOSQ_ERR_SUCCESS.rawValue {
                    state.withLock { $0.acks.ignore(mid, kind: .subscribe) }
                }
            }
        }
        if var birth {
            birth.qos = .atLeastOnce
            if let mid = try? hand(birth, operation: "birth") {
                state.withLock { $0.acks.ignore(mid) }
            }
        }
        let waiters = state.withLock { $0.takeConnectWaiters() }
        eventSink.yield(.connected(sessionPresent: sessionPresent))
        for waiter in waiters {
            waiter.resume(returning: .success(()))
        }
    }

    /// The link is gone. libmosquitto resends unacknowledged QoS ≥ 1 publishes after reconnecting, but not
    /// SUBSCRIBE packets, so only subscribers waiting for a SUBACK are failed here.
    private func connectionClosed(code: Int32) {
        let (wasConnected, subscribers) = state.withLock { state in
            let wasConnected = state.connected
            state.connected = false
            state.connectionEpoch += 1
            return (wasConnected, state.acks.removeWaiters(of: .subscribe))
        }
        let reason =
            code == 0
            ? "disconnected by the client" : MQTTError.failure("disconnect", code: code, source: .disconnect).message
        if wasConnected {
            eventSink.yield(.disconnected(reason: reason))
        }
        let error = MQTTError.failure(
            "subscribe", code: MOSQ_ERR_CONN_LOST.rawValue, detail: "connection closed before the SUBACK")
        for subscriber in subscribers {
            subscriber.resume(returning: .failed(error))
        }
    }

    private func acknowledged(_ mid: Int32, _ outcome: AckOutcome) {
        let waiter = state.withLock { state in
            if case .published(let reason) = outcome {
                state.outstanding = max(0, state.outstanding - 1)
                if reason >= 0x80 { state.refused += 1 }
            }
            return state.acks.acknowledge(mid, outcome)
        }
        waiter?.resume(returning: outcome)
    }
}
