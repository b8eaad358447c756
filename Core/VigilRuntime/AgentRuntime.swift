import Synchronization
import VigilDomain
import VigilMQTT

#if canImport(Glibc)
    import Glibc
#endif

/// Runs one agent as a well-behaved daemon: broker session with Last Will and birth status,
/// retained remote configuration, status and watchdog ticks, and a bounded graceful stop.
public enum AgentRuntime {
    /// Exit codes systemd and scripts can rely on (sysexits.h).
    public enum ExitCode {
        public static let success: Int32 = 0
        public static let failure: Int32 = 1
        public static let configuration: Int32 = 78
        public static let cannotCreate: Int32 = 73
    }

    /// Loads configuration, runs `agent` until SIGTERM/SIGINT, and returns the process exit code.
    /// - Parameter overrides: an agent's own flags, as configuration keys and values; they win over
    ///   everything else, like the common flags.
    public static func run<A: Agent>(
        _ agent: A, options: AgentOptions, overrides: [(path: [String], value: String)] = []
    ) async -> Int32 {
        let signals = Signals.stream()
        let label = "vigil-\(A.name)"
        let loaded: ConfigLoader.Loaded<A.Settings>
        do {
            loaded = try ConfigLoader.load(
                A.self, options: options, environment: ProcessEnvironment.current, overrides: overrides)
        } catch {
            Logger(label: label).error("invalid configuration, not starting: \(error)")
            return ExitCode.configuration
        }
        let log = Logger(label: label, level: loaded.common.logLevel)
        if options.checkConfig {
            do {
                // Builds the client without connecting: TLS files and client options are checked too.
                _ = try MQTTClient(configuration: loaded.common.broker)
            } catch {
                log.error("invalid broker settings: \(error)")
                return ExitCode.configuration
            }
            log.notice(
                "configuration from \(loaded.source) is valid: site \(loaded.common.site), agent \(loaded.common.agentID), "
                    + "broker \(loaded.common.broker.endpoint)")
            return ExitCode.success
        }
        do {
            try FileSystem.createDirectory(loaded.common.stateDirectory)
        } catch {
            log.error("cannot create state directory: \(error)")
            return ExitCode.cannotCreate
        }
        let session = AgentSession(agent: agent, loaded: loaded, log: log)
        return await session.run(signals: signals)
    }
}

/// One run of one agent; holds what the runtime's tasks share.
final class AgentSession<A: Agent>: Sendable {
    struct ConfigState: Sendable {
        var revision: Int?
        var error: String?
        /// The document behind `revision`, to tell a redelivery from a changed document.
        var payload: [UInt8]?
    }

    enum StopReason: Sendable {
        case signal(Int32)
        case agentFinished(String?)
        /// The broker answered CONNECT with a refusal (credentials, authorisation). libmosquitto
        /// does not retry that on MQTT 5, so the agent exits and systemd restarts it.
        case brokerRefused(String)
    }

    let agent: A
    let common: CommonSettings
    let log: Logger
    let counters = Counters([
        "received", "rejected", "published", "publish_failed", "publish_refused", "config_applied", "config_refused",
    ])
    let started = Timestamp.now()
    let notifier = SystemdNotifier()
    let initialSettings: A.Settings
    let source: String
    let configState = Mutex(ConfigState())
    /// Set once the agent's subscriptions are acknowledged. Until then it does not say `online`:
    /// a client that publishes the moment it sees `online` (a script, a test) must not lose its
    /// message to a subscription still on its way, which the birth message on a first connect
    /// after a start without a broker used to allow.
    let subscribed = Latch()

    init(agent: A, loaded: ConfigLoader.Loaded<A.Settings>, log: Logger) {
        self.agent = agent
        common = loaded.common
        initialSettings = loaded.settings
        source = loaded.source
        self.log = log
    }

    var topics: Topics { Topics(site: common.site) }
    var lastGoodPath: String { common.stateDirectory + "/" + RemoteConfiguration<A.Settings>.lastGoodFile }

    func run(signals: AsyncStream<Int32>) async -> Int32 {
        var settings = initialSettings
        if let kept = loadLastGood() {
            settings = kept.settings
            configState.withLock {
                $0.revision = kept.revision
                $0.payload = kept.payload
            }
            log.notice("using last-good remote configuration, revision \(kept.revision)")
        }
        var broker = common.broker
        broker.will = statusMessage(.offline)
        broker.cleanSession = !A.persistentSession
        let client: MQTTClient
        do {
            client = try MQTTClient(configuration: broker)
        } catch {
            // Only settings can make this fail (TLS files, client id): a configuration error.
            log.error("cannot start the MQTT client: \(error)")
            return AgentRuntime.ExitCode.configuration
        }
        let context = AgentContext(
            common: common, settings: settings, bus: client, log: log, counters: counters,
            consumed: { client.consumed() })
        let route = self.route(client, context)
        client.setMessageHandler({ route($0) }, turnEnded: { context.turnEnded() })
        do {
            try client.start()
        } catch {
            log.error("cannot start the MQTT client: \(error)")
            return AgentRuntime.ExitCode.configuration
        }
        log.notice(
            "started \(Vigil.version) for site \(common.site) as \(common.agentID), config from \(source), "
                + "broker \(broker.endpoint)")
        notifier.ready(status: "connecting to \(broker.endpoint)")

        let (stops, stop) = AsyncStream.makeStream(of: StopReason.self)
        let agentDone = Latch()
        let agentTask = Task {
            var failure: String?
            do {
                try await agent.run(context)
            } catch is CancellationError {
            } catch {
                failure = "\(error)"
            }
            agentDone.set()
            stop.yield(.agentFinished(failure))
        }
        let background = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.watchConnection(client, stop: stop) }
                group.addTask { await self.warnIfNotConnected(client) }
                group.addTask { await self.tickStatus(client) }
                group.addTask { await self.tickWatchdog(agentDone) }
                group.addTask { await self.releaseStartupCode() }
                group.addTask {
                    for await number in signals {
                        if number == SIGHUP {
                            self.log.notice(
                                "SIGHUP ignored: configuration changes arrive on config/\(self.common.agentID)")
                            continue
                        }
                        stop.yield(.signal(number))
                    }
                }
            }
        }

        var exitCode = AgentRuntime.ExitCode.success
        for await reason in stops {
            switch reason {
            case .signal(let number):
                log.notice("stopping on signal \(number)")
            case .agentFinished(let failure?):
                log.error("agent failed: \(failure)")
                exitCode = AgentRuntime.ExitCode.failure
            case .agentFinished(nil):
                log.error("agent loop ended unexpectedly")
                exitCode = AgentRuntime.ExitCode.failure
            case .brokerRefused(let reason):
                log.error(
                    "the broker refused the connection (\(reason)); check broker.username and the password; exiting")
                exitCode = AgentRuntime.ExitCode.failure
            }
            break
        }

        // Graceful stop, bounded so systemd and operators never wait on a dead broker. The order
        // matters: nothing may be acknowledged to the broker that the agent then never handles.
        notifier.stopping()
        context.beginStopping()
        background.cancel()
        // 1. Say goodbye while still connected; QoS 1 is ordered, so what the agent enqueued
        //    before is on the broker once this is acknowledged.
        let offlineSent = Latch()
        let offline = Task {
            try? await client.publish(self.statusMessage(.offline))
            offlineSent.set()
        }
        if !(await offlineSent.wait(for: .milliseconds(500))) {
            log.warning("could not publish offline status before stopping; the Last Will covers it")
        }
        offline.cancel()
        // 2. Stop the intake, but not the connection: what the broker has not handed over stays with
        //    it (a persistent session queues it, unacknowledged QoS 1 comes again), while the agent
        //    can still publish what it finishes with, such as the recorder's last acknowledgements.
        //    It waits for the network thread, which may wait for the agent to take a message: off
        //    the cooperative pool, which on a one-core gateway has one thread.
        await withCheckedContinuation { (paused: CheckedContinuation<Void, Never>) in
            OSThread.spawn {
                client.pauseReading()
                paused.resume()
            }
        }
        // 3. Nothing more is read, so everything received is with the agent: let it drain.
        context.finishMessages()
        // An agent with no subscriptions has nothing to drain: only its timer to interrupt.
        let drainTime: Duration =
            agent.subscriptions(topics, agentID: common.agentID).isEmpty ? .zero : .milliseconds(700)
        if !(await agentDone.wait(for: drainTime)) {
            agentTask.cancel()
            if !(await agentDone.wait(for: .milliseconds(300))) {
                log.warning("the agent did not finish within the stop budget")
            }
        }
        // 4. A clean disconnect keeps a persistent session and discards the Last Will.
        await client.disconnect()
        log.notice("stopped")
        return exitCode
    }

    /// Routes every message on the network thread: configuration to the runtime, everything else to
    /// the agent.
    private func route(_ client: MQTTClient, _ context: AgentContext<A.Settings>) -> @Sendable (MQTTMessage) -> Void {
        let configTopic = topics.config(common.agentID)
        return { message in
            if message.topic == configTopic {
                client.consumed()
                self.applyRemoteConfiguration(message.payload, context: context)
                client.setBirth(self.statusMessage(.online))
                try? client.enqueue(self.statusMessage(.online))
            } else {
                self.counters.increment("received")
                context.deliver(message)
            }
        }
    }

    /// Start-up code (arguments, configuration, migrations, the first connection) does not run
    /// again: once the agent has run a while its pages are given back (`releaseCodePages`).
    /// Freed heap goes back to the kernel every 30 s after that (`returnFreedMemory`).
    private func releaseStartupCode() async {
        do { try await Task.sleep(for: .seconds(15)) } catch { return }
        let bytes = AgentRuntime.releaseCodePages()
        log.debug("released the code pages mapped so far (\(bytes >> 20) MiB of address space)")
        while true {
            do { try await Task.sleep(for: .seconds(30)) } catch { return }
            AgentRuntime.returnFreedMemory()
        }
    }

    /// QoS 1 only where the broker keeps a session for the agent. Without one, the broker forgets
    /// what was in flight when the connection drops, so QoS 1 gives a subscriber nothing TCP does
    /// not (a stalled subscriber is cut off at `max_queued_messages` either way), and it costs a
    /// PUBACK a message on both sides: 8–9 % of the end-to-end throughput on a two-core gateway.
    /// What the agents publish stays QoS 1, and so does the recorder's persistent session.
    static var subscriptionQoS: MQTTQoS { A.persistentSession ? .atLeastOnce : .atMostOnce }

    private func watchConnection(_ client: MQTTClient, stop: AsyncStream<StopReason>.Continuation) async {
        for await event in client.events {
            switch event {
            case .connected(let sessionPresent):
                log.notice("connected to the broker (session present: \(sessionPresent))")
                if !subscribed.isSet {
                    do {
                        try await client.subscribe(topics.config(common.agentID), qos: Self.subscriptionQoS)
                        for filter in agent.subscriptions(topics, agentID: common.agentID) {
                            try await client.subscribe(filter, qos: Self.subscriptionQoS)
                        }
                        subscribed.set()
                    } catch {
                        log.error("subscribing failed: \(error); will retry on the next connection")
                    }
                }
                if subscribed.isSet {
                    let online = statusMessage(.online)
                    client.setBirth(online)
                    try? client.enqueue(online)
                }
                notifier.status("connected to \(common.broker.endpoint)")
            case .disconnected(let reason):
                log.warning("lost the broker (\(reason)); reconnecting with backoff")
                notifier.status("broker lost, reconnecting")
            case .connectFailed(let reason):
                stop.yield(.brokerRefused(reason))
            }
        }
    }

    /// `broker.connect_timeout_s`: the agent keeps trying, but says loudly that it is cut off.
    private func warnIfNotConnected(_ client: MQTTClient) async {
        do {
            try await client.waitUntilConnected(timeout: common.broker.connectTimeout)
        } catch {
            guard !Task.isCancelled else { return }
            log.warning(
                "no broker connection after \(common.broker.connectTimeout) "
                    + "(\(common.broker.endpoint)); still trying")
        }
    }

    private func tickStatus(_ client: MQTTClient) async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: common.statusInterval)
            } catch {
                return
            }
            let refused = Int(client.refusedPublishes)
            if refused > counters["publish_refused"] {
                log.error(
                    "the broker refused \(refused - counters["publish_refused"]) publishes (\(refused) so far): "
                        + "is user \(common.broker.username ?? "(none)") granted this agent's topics in the broker ACL?"
                )
                counters.set("publish_refused", to: refused)
            }
            guard subscribed.isSet else { continue }
            let online = statusMessage(.online)
            client.setBirth(online)
            if client.isConnected { try? client.enqueue(online) }
        }
    }

    private func tickWatchdog(_ agentDone: Latch) async {
        guard let interval = notifier.watchdogInterval else { return }
        while !Task.isCancelled {
            // A dead agent loop must not be kept alive by a healthy ticker.
            if !agentDone.isSet { notifier.watchdog() }
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
        }
    }

    func statusMessage(_ state: AgentStatus.State) -> MQTTMessage {
        let config = configState.withLock { $0 }
        let status = AgentStatus(
            state: state, agent: common.agentID, site: common.site, version: Vigil.version, pid: getpid(),
            started: started, ts: .now(), configRevision: config.revision, configError: config.error,
            counters: counters.snapshot)
        return MQTTMessage(
            topic: topics.status(common.agentID), payload: PayloadCodec.encode(status), qos: .atLeastOnce,
            retain: true)
    }

    private func applyRemoteConfiguration(_ payload: [UInt8], context: AgentContext<A.Settings>) {
        guard !payload.isEmpty else {
            log.notice("retained configuration was cleared; keeping the settings in force")
            return
        }
        do throws(ConfigError) {
            let remote = try RemoteConfiguration(A.self, payload: payload, maximumBytes: common.maximumPayloadBytes)
            let applied = configState.withLock { $0 }
            if applied.revision == remote.revision {
                // A retained document is delivered again after every reconnect: nothing to do.
                if applied.payload == nil || applied.payload == payload { return }
                throw ConfigError(
                    key: "revision",
                    reason: "revision \(remote.revision) is already applied with different content; raise the revision")
            }
            try A.validateChange(from: context.settings, to: remote.settings)
            context.replaceSettings(remote.settings)
            configState.withLock { $0 = ConfigState(revision: remote.revision, error: nil, payload: payload) }
            counters.increment("config_applied")
            do {
                try FileSystem.writeAtomically(payload, to: lastGoodPath)
            } catch {
                log.warning("applied configuration revision \(remote.revision) but could not keep it: \(error)")
            }
            log.notice("applied remote configuration revision \(remote.revision)")
        } catch {
            configState.withLock { $0.error = error.description }
            counters.increment("config_refused")
            log.warning("refused remote configuration, keeping the previous one: \(error)")
        }
    }

    private func loadLastGood() -> RemoteConfiguration<A.Settings>? {
        guard FileSystem.exists(lastGoodPath) else { return nil }
        do {
            let bytes = try FileSystem.read(lastGoodPath)
            return try RemoteConfiguration(A.self, payload: bytes, maximumBytes: Int.max)
        } catch {
            log.warning("ignoring the kept remote configuration \(lastGoodPath): \(error)")
            return nil
        }
    }
}

/// A one-way latch with a bounded wait, for stopping steps that must not hang.
public final class Latch: Sendable {
    private let value = Mutex(false)

    public init() {}

    public func set() { value.withLock { $0 = true } }

    public var isSet: Bool { value.withLock { $0 } }

    /// Polls rather than awaiting the work itself, so a stuck task cannot hold the caller.
    public func wait(for duration: Duration = .seconds(3600 * 24 * 365)) async -> Bool {
        let deadline = ContinuousClock.now + duration
        while !isSet {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }
}
