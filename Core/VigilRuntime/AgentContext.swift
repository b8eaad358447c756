import Synchronization
public import VigilDomain
public import VigilMQTT

/// Everything an agent's loop may touch: its inbox, the bus, its settings, counters and log.
public final class AgentContext<Settings: Sendable>: Sendable {
    public let common: CommonSettings
    public let topics: Topics
    public let log: Logger
    public let counters: Counters
    /// Messages on the agent's subscriptions, in arrival order; ends when the agent must stop.
    public let messages: AgentInbox
    let inbox: AsyncStream<MQTTMessage>.Continuation
    let bus: any MessageBus
    private let consumed: @Sendable () -> Void
    private let handover: Handover
    private let current: Mutex<Settings>
    private let stopping = Mutex(false)

    /// - Parameter consumed: told of each message the agent takes (the MQTT client's delivery bound).
    public init(
        common: CommonSettings, settings: Settings, bus: any MessageBus, log: Logger, counters: Counters,
        consumed: @escaping @Sendable () -> Void = {}
    ) {
        self.common = common
        topics = Topics(site: common.site)
        self.log = log
        self.counters = counters
        self.bus = bus
        current = Mutex(settings)
        let (stream, inbox) = AsyncStream.makeStream(of: MQTTMessage.self, bufferingPolicy: .unbounded)
        let handover = Handover()
        self.handover = handover
        messages = AgentInbox(
            stream: stream,
            consumed: {
                handover.state.withLock { $0.buffered -= 1 }
                consumed()
            })
        self.inbox = inbox
        self.consumed = consumed
    }

    /// The settings in force now; remote configuration replaces them between two messages.
    public var settings: Settings { current.withLock { $0 } }

    func replaceSettings(_ settings: Settings) { current.withLock { $0 = settings } }

    /// Feeds a message to the agent; tests use it to drive an agent without a broker.
    public func deliver(_ message: MQTTMessage) {
        if let consumer = handover.queueUnlessConsumed(message, on: inbox) {
            consumer.take(message)
            consumed()
        }
    }

    /// From now on `consumer` takes each message where it arrives (the MQTT network thread) instead
    /// of `messages`, for an agent whose per-message work is cheaper than an `AsyncStream` hop.
    /// `messages` still delivers what arrived before, and still ends when the agent must stop.
    /// While `consumer` runs the socket is not read: it may wait for room, briefly.
    /// - Parameter turnEnded: runs on the network thread after each turn of reading, once what
    ///   `consumer` published in it is on the socket: until then such a publish is only queued.
    /// - Returns: how many messages `messages` still holds from before the switch; an agent that
    ///   must judge in arrival order holds back what `consumer` gets until it has taken those.
    @discardableResult
    public func consume(
        _ consumer: @escaping @Sendable (MQTTMessage) -> Void, turnEnded: (@Sendable () -> Void)? = nil
    ) -> Int {
        handover.state.withLock { state in
            state.consumer = Consumer(take: consumer, turnEnded: turnEnded)
            return state.buffered
        }
    }

    /// For a `BackgroundSaver`'s `placed`: status counter `saver_idle` is 1 when its thread runs
    /// in `SCHED_IDLE`, 0 with a warning when the system refused.
    public func saverPlaced(_ failure: CPUPriority.Failure?) {
        counters.set("saver_idle", to: failure == nil ? 1 : 0)
        if let failure {
            log.warning("the state saver runs as an ordinary thread and may delay alarms: \(failure)")
        }
    }

    /// Called by the runtime after each turn of the MQTT network thread.
    func turnEnded() {
        if let turnEnded = handover.state.withLock({ $0.consumer?.turnEnded }) { turnEnded() }
    }

    public func finishMessages() { inbox.finish() }

    /// True once the agent is asked to stop: producers stop producing, consumers keep draining.
    public var isStopping: Bool { stopping.withLock { $0 } }

    func beginStopping() { stopping.withLock { $0 = true } }

    /// Whether the broker connection is up now.
    public var isConnected: Bool { bus.isConnected }

    /// Connections lost since the agent started.
    public var disconnections: UInt64 { bus.disconnections }

    /// Publishes the MQTT client still holds for the broker.
    public var outstandingPublishes: Int { bus.outstandingPublishes }

    public func publish(_ message: MQTTMessage) async {
        do {
            try await bus.publish(message)
            counters.increment("published")
        } catch {
            counters.increment("publish_failed")
            log.warning("publish to \(message.topic) failed: \(error)")
        }
    }

    public func enqueue(_ message: MQTTMessage) {
        do {
            try bus.enqueue(message)
            counters.increment("published")
        } catch {
            counters.increment("publish_failed")
            log.warning("publish to \(message.topic) failed: \(error)")
        }
    }

    /// Decodes a payload or refuses it: counted as `rejected`, logged with the field and reason.
    public func decode<T: Decodable>(_ type: T.Type, from message: MQTTMessage) -> T? {
        do {
            return try PayloadCodec.decode(type, from: message.payload, maximumBytes: common.maximumPayloadBytes)
        } catch {
            reject(message, reason: error.description)
            return nil
        }
    }

    public func reject(_ message: MQTTMessage, reason: String) {
        let count = counters.increment("rejected")
        // A flood of bad input must not flood the journal: the counter keeps the true total.
        if count <= 100 || count % 1000 == 0 {
            log.warning("refused message on \(message.topic): \(reason) (\(count) refused so far)")
        }
    }
}

struct Consumer: Sendable {
    let take: @Sendable (MQTTMessage) -> Void
    let turnEnded: (@Sendable () -> Void)?
}

/// Who takes the agent's messages, and how many wait in `messages`; shared with the inbox, which
/// counts down as the agent takes them.
final class Handover: Sendable {
    struct State: Sendable {
        /// In a struct: a bare closure in a `Mutex` gains a thunk on every `withLock`.
        var consumer: Consumer?
        var buffered = 0
    }

    let state = Mutex(State())

    /// Counts `message` and queues it on `inbox`; or, once a consumer is set, returns it instead.
    /// Here rather than in the generic `AgentContext`, where each call looked up the lock's type at
    /// run time: 2 % of the evaluator's CPU.
    ///
    /// Counted under the lock, so the count `consume` returns is exact; queued after it, because a
    /// yield may wake the agent's task, and the agent's countdown then waited for the lock: 2 % of
    /// the evaluator's CPU spun in it. The network thread is the only caller, so a `consume`
    /// between the two finds the message counted and sees it in `messages` right after.
    func queueUnlessConsumed(_ message: MQTTMessage, on inbox: AsyncStream<MQTTMessage>.Continuation) -> Consumer? {
        let consumer = state.withLock { state -> Consumer? in
            if state.consumer == nil { state.buffered += 1 }
            return state.consumer
        }
        if consumer == nil { inbox.yield(message) }
        return consumer
    }
}
