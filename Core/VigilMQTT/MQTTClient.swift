internal import CMosquitto
internal import Glibc
import Synchronization

/// An MQTT connection for one agent, on top of libmosquitto.
///
/// libmosquitto owns the socket, the MQTT state and QoS 1/2 retransmission; this type runs its network
/// thread (see `runNetworkLoop`), turns its callbacks into async/await and two streams, and keeps what
/// libmosquitto forgets across a reconnect (subscriptions when the broker kept no session, the birth
/// message).
///
/// A started client keeps itself alive until `disconnect()`: libmosquitto calls back into it through an
/// unretained pointer, so it must not be freed under the network thread.
public final class MQTTClient: Sendable {
    let configuration: MQTTConfiguration
    /// libmosquitto 2.x serialises access to a handle with its own mutexes, so sharing it is safe.
    nonisolated(unsafe) let handle: OpaquePointer
    let state = Mutex(ClientState())
    let network: NetworkThread
    let messageSink: AsyncStream<MQTTMessage>.Continuation
    /// Set before `start()`: takes every message on the network thread instead of `messages`.
    let messageHandler = Mutex<MessageHandler?>(nil)
    let gate: DeliveryGate?
    let eventSink: AsyncStream<MQTTConnectionEvent>.Continuation
    private let messageStream: AsyncStream<MQTTMessage>
    private let eventStream: AsyncStream<MQTTConnectionEvent>

    /// Every message received on any subscription, in arrival order. Unbounded, because dropping a
    /// message here would silently break the delivery guarantees built above MQTT.
    public var messages: AsyncStream<MQTTMessage> { messageStream }

    /// Connection changes; only the newest 64 are kept if nobody reads them.
    public var events: AsyncStream<MQTTConnectionEvent> { eventStream }

    public var isConnected: Bool { state.withLock { $0.connected } }

    /// How many times the connection was lost: a consumer that compares it before and after can tell
    /// that the broker may have forgotten retained state in between (a restart without persistence).
    public var disconnections: UInt64 { state.withLock { $0.connectionEpoch } }

    /// Publishes libmosquitto still holds (not yet acknowledged, or not yet written for QoS 0).
    public var outstandingPublishes: Int { state.withLock { $0.outstanding } }
    /// Publishes the broker refused (its ACL, a quota): not retried, since asking again gets the same answer.
    public var refusedPublishes: UInt64 { state.withLock { $0.refused } }

    /// Hands every message to `handler` on the client's network thread, in arrival order, instead
    /// of to `messages`: an `AsyncStream` hop per message costs more than decoding it. The handler
    /// must return quickly or on purpose slowly: while it runs, the socket is not read, which is
    /// the backpressure a slow consumer wants. Set it before `start()`.
    ///
    /// - Parameter turnEnded: called on the same thread after each turn of reading, once what the
    ///   handler published during it has been written to the socket (a publish made inside the
    ///   handler is only queued until then). Work that would hold that write back, such as waking
    ///   a thread that may take this core, belongs here.
    public func setMessageHandler(
        _ handler: @escaping @Sendable (MQTTMessage) -> Void, turnEnded: (@Sendable () -> Void)? = nil
    ) {
        messageHandler.withLock { $0 = MessageHandler(call: handler, turnEnded: turnEnded) }
    }

    /// The consumer took one message from `messages`; needed only with `maxUndelivered` set.
    public func consumed() { gate?.leave() }

    /// How often the network thread waited for a slow consumer (with `maxUndelivered` set).
    public var deliveryStalls: Int { gate?.stallCount ?? 0 }

    public init(configuration: MQTTConfiguration) throws(MQTTError) {
        guard mosquittoLibraryInitialized else {
            throw .failure("init", code: MOSQ_ERR_UNKNOWN.rawValue, detail: "mosquitto_lib_init failed")
        }
        self.configuration = configuration
        gate = configuration.maxUndelivered.map { DeliveryGate(limit: max(1, $0)) }
        network = try NetworkThread()
        handle = try Self.makeHandle(configuration)
        (messageStream, messageSink) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
        (eventStream, eventSink) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(64))
        mosquitto_user_data_set(handle, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit {
        // Only reached once the network thread is gone (it holds the client while it runs).
        mosquitto_destroy(handle)
        messageSink.finish()
        eventSink.finish()
    }

    /// Creates and configures the libmosquitto handle, destroying it again if any setting is refused.
    private static func makeHandle(_ configuration: MQTTConfiguration) throws(MQTTError) -> OpaquePointer {
        let config = configuration
        guard (5...65_535).contains(config.keepAliveSeconds) else {
            throw .failure("init", code: MOSQ_ERR_INVAL.rawValue, detail: "keepalive must be 5…65535 s")
        }
        guard config.cleanSession || !config.clientID.isEmpty else {
            throw .failure("init", code: MOSQ_ERR_INVAL.rawValue, detail: "a persistent session needs a client id")
        }
        guard config.socketPath != nil || (1...65_535).contains(config.port) else {
            throw .failure("init", code: MOSQ_ERR_INVAL.rawValue, detail: "port \(config.port) is out of range")
        }
        if let path = config.socketPath {
            // The kernel's limit for a socket's path (sun_path), which libmosquitto would truncate.
            guard !path.isEmpty, path.utf8.count < 108 else {
                throw .failure("init", code: MOSQ_ERR_INVAL.rawValue, detail: "socket path must be 1…107 bytes")
            }
            guard config.tls == nil else {
                throw .failure("init", code: MOSQ_ERR_INVAL.rawValue, detail: "TLS does not apply to a Unix socket")
            }
        }
        guard config.reconnectDelayMin >= 1, config.reconnectDelayMax >= config.reconnectDelayMin else {
            throw .failure("init", code: MOSQ_ERR_INVAL.rawValue, detail: "reconnect delays must be 1 ≤ min ≤ max")
        }
        guard let handle = mosquitto_new(config.clientID.isEmpty ? nil : config.clientID, config.cleanSession, nil)
        else {
            throw .failure("init", code: errno, source: .system)
        }
        do throws(MQTTError) {
            let version = config.protocolVersion == .v5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311
            try MQTTError.check(mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, version), "init")
            try MQTTError.check(
                mosquitto_int_option(
                    handle, MOSQ_OPT_TCP_NODELAY, config.tcpNoDelay && config.socketPath == nil ? 1 : 0), "init")
            try MQTTError.check(
                mosquitto_reconnect_delay_set(
                    handle, UInt32(config.reconnectDelayMin), UInt32(config.reconnectDelayMax), true),
                "init")
            try MQTTError.check(
                mosquitto_max_inflight_messages_set(handle, UInt32(clamping: max(1, config.maxInflight))), "init")
            if let username = config.username {
                try MQTTError.check(mosquitto_username_pw_set(handle, username, config.password), "init")
            }
            if let tls = config.tls {
                try MQTTError.check(
                    mosquitto_tls_set(handle, tls.caFile, tls.caPath, tls.certFile, tls.keyFile, nil), "tls")
                try MQTTError.check(mosquitto_tls_insecure_set(handle, !tls.verifyHostname), "tls")
            }
            if let will = config.will {
                let rc = will.payload.withUnsafeBytes { bytes in
                    mosquitto_will_set_v5(
                        handle, will.topic, Int32(bytes.count), bytes.baseAddress, will.qos.rawValue, will.retain, nil)
                }
                try MQTTError.check(rc, "will")
            }
        } catch {
            mosquitto_destroy(handle)
            throw error
        }
        installCallbacks(on: handle)
        return handle
    }

    /// Recovers the client from libmosquitto's userdata pointer inside a C callback.
    static func from(_ userdata: UnsafeMutableRawPointer?) -> MQTTClient? {
        guard let userdata else { return nil }
        return Unmanaged<MQTTClient>.fromOpaque(userdata).takeUnretainedValue()
    }
}

/// A closure stored in a `Mutex` is reabstracted by every `withLock`, and written back wrapped in
/// one more thunk each time; inside a struct it is kept as it is.
struct MessageHandler: Sendable {
    let call: @Sendable (MQTTMessage) -> Void
    let turnEnded: (@Sendable () -> Void)?
}
