internal import CMosquitto
internal import Glibc

extension MQTTClient {
    /// Starts connecting in the background and returns at once; the network thread then keeps retrying
    /// with capped backoff while the broker is away, and reconnects by itself after a drop.
    public func start() throws(MQTTError) {
        enum Step { case begin, alreadyRunning, shutDown }
        let step = state.withLock { state -> Step in
            if state.shutDown { return .shutDown }
            if state.loopRunning { return .alreadyRunning }
            state.loopRunning = true
            state.keepAlive = self
            state.refusal = nil
            return .begin
        }
        switch step {
        case .alreadyRunning:
            return
        case .shutDown:
            throw shutDownError("start")
        case .begin:
            break
        }
        do throws(MQTTError) {
            // The thread of an earlier start, stuck past its stop's wait, still works the handle: a
            // connect now would give it a new socket under the old one's number.
            guard !network.isRunning else {
                throw MQTTError.failure(
                    "start", code: MOSQ_ERR_ERRNO.rawValue, detail: "the last network thread is still running")
            }
            if configuration.protocolVersion == .v5 && !configuration.cleanSession {
                try stashSessionExpiry()
            }
            // Port 0 is libmosquitto's way of saying the host is a Unix socket's path.
            let rc = mosquitto_connect_async(
                handle, configuration.socketPath ?? configuration.host,
                configuration.socketPath == nil ? Int32(configuration.port) : 0, Int32(configuration.keepAliveSeconds))
            // A broker that is not up yet (refused, unresolvable) is not an error here: the network
            // thread finds no socket and retries.
            let retry = rc == MOSQ_ERR_ERRNO.rawValue || rc == MOSQ_ERR_EAI.rawValue
            if rc != MOSQ_ERR_SUCCESS.rawValue && !retry {
                throw MQTTError.failure("connect", code: rc)
            }
            let network = network
            guard
                network.spawn({ [self] in
                    runNetworkLoop(network)
                    network.markFinished()
                })
            else {
                throw MQTTError.failure(
                    "start", code: MOSQ_ERR_ERRNO.rawValue,
                    detail: "no network thread (the system refused one, or the last one is still connecting)")
            }
        } catch {
            let keepAlive = state.withLock { state in
                state.loopRunning = false
                return state.keepAlive.take()
            }
            _ = keepAlive
            throw error
        }
    }

    /// Waits for a CONNACK that accepted the connection; returns at once when already connected.
    ///
    /// Throws on timeout, on a refusal by the broker, on cancellation, and after `disconnect()`.
    /// `nil` waits forever.
    public func waitUntilConnected(timeout: Duration?) async throws(MQTTError) {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        var timer: Task<Void, Never>?
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, MQTTError>, Never>) in
                let ready = state.withLock { state -> Result<Void, MQTTError>? in
                    if state.connected { return .success(()) }
                    if let refusal = state.refusal { return .failure(refusal) }
                    if state.shutDown { return .failure(shutDownError("connect")) }
                    if Task.isCancelled { return .failure(cancelledError("connect")) }
                    state.connectWaiters[id] = continuation
                    return nil
                }
                if let ready {
                    continuation.resume(returning: ready)
                } else if let timeout {
                    // Armed only after registering, so an early expiry cannot miss the waiter.
                    timer = Task {
                        try? await Task.sleep(for: timeout)
                        guard !Task.isCancelled else { return }
                        let error = MQTTError.failure(
                            "connect", code: ETIMEDOUT, source: .system, detail: "no CONNACK within \(timeout)")
                        self.finishConnectWaiter(id, with: .failure(error))
                    }
                }
            }
        } onCancel: {
            finishConnectWaiter(id, with: .failure(cancelledError("connect")))
        }
        timer?.cancel()
        try result.get()
    }

    /// `start()` plus a bounded wait. On timeout or refusal the background loop is stopped again, so a
    /// misconfigured agent fails loudly instead of retrying forever behind the caller's back.
    public func connect() async throws(MQTTError) {
        try start()
        do throws(MQTTError) {
            try await waitUntilConnected(timeout: configuration.connectTimeout)
        } catch {
            stopLoop()
            throw error
        }
    }

    /// Sends a clean DISCONNECT (so the broker discards the Last Will), stops the network thread, fails
    /// whatever still waits, and finishes both streams. Later calls do nothing.
    public func disconnect() async {
        let first = state.withLock { state in
            defer { state.shutDown = true }
            return !state.shutDown
        }
        guard first else { return }
        stopLoop()
        let (acks, connectWaiters) = state.withLock { state in
            (state.acks.removeAll(), state.takeConnectWaiters())
        }
        for waiter in acks {
            waiter.resume(returning: .failed(shutDownError("publish")))
        }
        for waiter in connectWaiters {
            waiter.resume(returning: .failure(shutDownError("connect")))
        }
        messageSink.finish()
        eventSink.finish()
    }

    /// Stops reading from the broker but goes on writing, until `disconnect()`. What the broker has not
    /// handed over stays with it (queued for a persistent session, and unacknowledged QoS 1 messages are
    /// sent again at the next connect), while the agent finishes what it holds and publishes its last
    /// messages: the recorder's final acknowledgements, which a disconnect first would refuse. An
    /// awaited `publish` would wait for a PUBACK that is no longer read; `enqueue` is what fits here.
    /// Returns once no more messages will be handed over (at most two seconds).
    public func pauseReading() {
        network.pauseReading(seconds: 2, connected: { isConnected })
    }

    /// The message published (QoS 1) after every successful connect and reconnect, once the
    /// subscriptions are restored; `nil` stops it. Setting it does not publish it now.
    public func setBirth(_ message: MQTTMessage?) {
        state.withLock { $0.birth = message }
    }

    /// Cuts the TCP connection without a DISCONNECT, as a pulled cable would, so the broker publishes the
    /// Last Will; the client then reconnects by itself.
    @_spi(Testing) public func simulateNetworkFailure() {
        let socket = mosquitto_socket(handle)
        if socket >= 0 {
            _ = shutdown(socket, Int32(SHUT_RDWR))
        }
    }

    /// Stops the network thread, if running. When the link is up the DISCONNECT (written here) lets the
    /// broker close the connection and the thread end; when it is down the thread leaves its backoff
    /// or its pending connect at once. One still resolving the broker's name is not waited for beyond
    /// a few seconds: it holds the client until it returns, and a new `start()` fails until then.
    func stopLoop() {
        let wasRunning = state.withLock { state in
            defer { state.loopRunning = false }
            return state.loopRunning
        }
        guard wasRunning else { return }
        _ = mosquitto_disconnect(handle)
        network.requestStop()
        _ = network.waitUntilFinished(seconds: 3)
        let keepAlive = state.withLock { state in
            state.connected = false
            return state.keepAlive.take()
        }
        _ = keepAlive  // released here, outside the lock
    }

    /// MQTT 5 keeps a session after a disconnect only if CONNECT carries a Session Expiry Interval, but
    /// libmosquitto's only way to attach CONNECT properties is `mosquitto_connect_bind_v5`, which connects
    /// blocking. In libmosquitto 2.0 that function stores a copy of the properties in the handle *before*
    /// validating host and port, and every later connect, `mosquitto_connect_async` and the loop's
    /// reconnects included, sends the stored copy. Calling it with port -1 stores the property and
    /// returns `MOSQ_ERR_INVAL` without touching the network. The persistent-session test guards this.
    private func stashSessionExpiry() throws(MQTTError) {
        var properties: OpaquePointer?
        defer { mosquitto_property_free_all(&properties) }
        try MQTTError.check(
            mosquitto_property_add_int32(
                &properties, Int32(MQTT_PROP_SESSION_EXPIRY_INTERVAL.rawValue), configuration.sessionExpirySeconds),
            "connect")
        let rc = mosquitto_connect_bind_v5(
            handle, configuration.host, -1, Int32(configuration.keepAliveSeconds), nil, properties)
        guard rc == MOSQ_ERR_INVAL.rawValue else {
            throw MQTTError.failure("connect", code: rc, detail: "could not set the session expiry")
        }
    }

    private func finishConnectWaiter(_ id: UInt64, with result: Result<Void, MQTTError>) {
        let waiter = state.withLock { $0.connectWaiters.removeValue(forKey: id) }
        waiter?.resume(returning: result)
    }

    func shutDownError(_ operation: String) -> MQTTError {
        .failure(operation, code: MOSQ_ERR_NO_CONN.rawValue, detail: "the client was shut down by disconnect()")
    }

    func cancelledError(_ operation: String) -> MQTTError {
        .failure(operation, code: ECANCELED, source: .system)
    }
}
