internal import CMosquitto

extension MQTTClient {
    /// QoS 0 returns once libmosquitto took the message; QoS 1/2 return once the broker acknowledged it
    /// (PUBACK/PUBCOMP). While disconnected, a QoS ≥ 1 message is queued and completes after reconnecting.
    public func publish(_ message: MQTTMessage) async throws(MQTTError) {
        if Task.isCancelled { throw cancelledError("publish") }
        let mid = try hand(message, operation: "publish")
        guard message.qos != .atMostOnce else {
            state.withLock { $0.acks.ignore(mid) }
            return
        }
        switch await acknowledgement(of: mid, kind: .publish, operation: "publish") {
        case .published(let reason) where reason >= 0x80:
            throw .failure("publish", code: reason, source: .reason, detail: message.topic)
        case .failed(let error):
            throw error
        case .published, .subscribed:
            return
        }
    }

    /// Fire and forget, for producers that cannot wait per message; QoS ≥ 1 is still retransmitted by
    /// libmosquitto until acknowledged.
    public func enqueue(_ message: MQTTMessage) throws(MQTTError) {
        let mid = try hand(message, operation: "publish")
        state.withLock { $0.acks.ignore(mid) }
    }

    /// Subscribes and waits for the SUBACK. An accepted filter is remembered and restored after any
    /// reconnect whose CONNACK says the broker kept no session. Needs a connection: while disconnected
    /// this throws, and the caller retries after `waitUntilConnected`.
    public func subscribe(_ filter: String, qos: MQTTQoS = .atLeastOnce) async throws(MQTTError) {
        if Task.isCancelled { throw cancelledError("subscribe") }
        if state.withLock({ $0.shutDown }) { throw shutDownError("subscribe") }
        let epoch = state.withLock { $0.connectionEpoch }
        var mid: Int32 = 0
        let rc = mosquitto_subscribe_v5(handle, &mid, filter, qos.rawValue, 0, nil)
        if rc != MOSQ_ERR_SUCCESS.rawValue {
            throw .failure("subscribe", code: rc, detail: "filter \"\(filter)\"")
        }
        wakeNetworkThreadIfPending()
        switch await acknowledgement(of: mid, kind: .subscribe, operation: "subscribe", epoch: epoch) {
        case .subscribed(let granted):
            if let code = granted.first, code >= 0x80 {
                throw .failure("subscribe", code: code, source: .reason, detail: "filter \"\(filter)\"")
            }
            state.withLock { $0.remember(filter, qos: qos) }
        case .failed(let error):
            throw error
        case .published:
            return
        }
    }

    /// Hands a message to libmosquitto and returns its message id.
    func hand(_ message: MQTTMessage, operation: String) throws(MQTTError) -> Int32 {
        if state.withLock({ $0.shutDown }) { throw shutDownError(operation) }
        var mid: Int32 = 0
        let rc = message.payload.withUnsafeBytes { bytes in
            mosquitto_publish_v5(
                handle, &mid, message.topic, Int32(bytes.count), bytes.baseAddress, message.qos.rawValue,
                message.retain, nil)
        }
        // While disconnected, libmosquitto 2.0 queues a QoS ≥ 1 message (sent after the reconnect) but still
        // reports the failed first send as MOSQ_ERR_NO_CONN; only QoS 0 is really dropped.
        let queued = rc == MOSQ_ERR_NO_CONN.rawValue && message.qos != .atMostOnce
        if rc != MOSQ_ERR_SUCCESS.rawValue && !queued {
            if mid != 0 && message.qos != .atMostOnce {
                // The message may sit in libmosquitto's queue anyway; its ack must not linger as an early one.
                state.withLock { $0.acks.ignore(mid) }
            }
            throw .failure(operation, code: rc, detail: message.topic)
        }
        state.withLock { $0.outstanding += 1 }
        wakeNetworkThreadIfPending()
        return mid
    }

    /// Waits for the ack of `mid`, taking it at once if it beat us here; cancellation withdraws the wait.
    /// - Parameter epoch: for a SUBSCRIBE, the connection it was sent on; if that connection is already
    ///   gone, the SUBACK can never come (libmosquitto does not resend SUBSCRIBE), so fail at once.
    private func acknowledgement(
        of mid: Int32, kind: AckBook.Kind, operation: String, epoch: UInt64? = nil
    ) async -> AckOutcome {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<AckOutcome, Never>) in
                let ready = state.withLock { state -> AckOutcome? in
                    if state.shutDown {
                        state.acks.ignore(mid, kind: kind)
                        return .failed(shutDownError(operation))
                    }
                    if let epoch, epoch != state.connectionEpoch {
                        state.acks.ignore(mid, kind: kind)
                        return .failed(
                            .failure(
                                operation, code: MOSQ_ERR_CONN_LOST.rawValue,
                                detail: "connection closed before the SUBACK"))
                    }
                    if let outcome = state.acks.register(mid, kind: kind, continuation: continuation) {
                        return outcome
                    }
                    // Cancelled before registering: the handler below may already have run and missed us.
                    if Task.isCancelled, state.acks.withdraw(mid) != nil {
                        return .failed(cancelledError(operation))
                    }
                    return nil
                }
                if let ready {
                    continuation.resume(returning: ready)
                }
            }
        } onCancel: {
            let waiter = state.withLock { $0.acks.withdraw(mid) }
            waiter?.resume(returning: .failed(cancelledError(operation)))
        }
    }
}
