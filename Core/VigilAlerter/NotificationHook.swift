import Synchronization
public import VigilDomain
public import VigilRuntime

/// Runs the site's notification command on chosen alarm transitions, like NUT's NOTIFYCMD: the
/// alarm in `VIGIL_ALERT_*` environment variables and as JSON on stdin, never through a shell.
///
/// One thread runs hooks one after the other from a bounded queue, so a slow or hanging command
/// costs its own timeout and never blocks the alerter; what does not fit is counted, not queued
/// without end.
public final class NotificationHook: Sendable {
    public struct Settings: Sendable, Equatable {
        /// argv; empty: no hook.
        public var command: [String] = []
        public var transitions: Set<AlertEvent.Transition> = [.raised, .escalated, .cleared]
        public var minimumTier: Severity = .warning
        public var timeoutMs = 10_000
        public var maxPending = 100

        public init() {}
    }

    private let settings: Settings
    private let counters: Counters
    private let log: Logger
    private let queue = Mutex<[AlertEvent]>([])
    private let wake = ThreadSemaphore()
    private let stopped = Mutex(false)

    public init(settings: Settings, counters: Counters, log: Logger) {
        self.settings = settings
        self.counters = counters
        self.log = log
        guard !settings.command.isEmpty else { return }
        OSThread.spawn { [self] in self.drain() }
    }

    public func wants(_ event: AlertEvent) -> Bool {
        !settings.command.isEmpty && settings.transitions.contains(event.transition)
            && (event.alert.tier >= settings.minimumTier || event.transition == .cleared)
    }

    /// Hands the event to the hook thread; returns at once.
    public func submit(_ event: AlertEvent) {
        guard wants(event) else { return }
        let accepted = queue.withLock { pending in
            guard pending.count < settings.maxPending else { return false }
            pending.append(event)
            return true
        }
        if accepted {
            wake.signal()
        } else {
            counters.increment("hook_dropped")
            log.warning("notification hook: \(settings.maxPending) calls already waiting, \(event.eventID) dropped")
        }
    }

    public func stop() {
        stopped.withLock { $0 = true }
        wake.signal()
    }

    private func drain() {
        while true {
            wake.wait()
            if stopped.withLock({ $0 }) { return }
            while let event = queue.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
                run(event)
            }
        }
    }

    private func run(_ event: AlertEvent) {
        let alert = event.alert
        var environment = [
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "VIGIL_EVENT_ID": event.eventID, "VIGIL_TRANSITION": event.transition.rawValue,
            "VIGIL_SITE": alert.site.rawValue, "VIGIL_ASSET": alert.asset.rawValue, "VIGIL_CODE": alert.code.rawValue,
            "VIGIL_TIER": alert.tier.rawValue, "VIGIL_STATE": alert.state.rawValue,
            "VIGIL_VALUE": "\(alert.value)", "VIGIL_LIMIT": "\(alert.limit)", "VIGIL_MESSAGE": alert.message,
            "VIGIL_RECOMMENDATION": alert.recommendation, "VIGIL_TS": event.ts.rfc3339,
        ]
        if let jar = alert.jar { environment["VIGIL_JAR"] = "\(jar)" }
        if let previous = event.previousTier { environment["VIGIL_PREVIOUS_TIER"] = previous.rawValue }
        counters.increment("hook_runs")
        do {
            let outcome = try ChildProcess.run(
                settings.command, environment: environment, stdin: PayloadCodec.encode(event) + [10],
                timeoutMs: settings.timeoutMs)
            switch outcome {
            case .exited(0):
                return
            case .exited(let code):
                counters.increment("hook_failed")
                log.warning("notification hook exited \(code) for \(event.eventID)")
            case .signalled(let signal):
                counters.increment("hook_failed")
                log.warning("notification hook killed by signal \(signal) for \(event.eventID)")
            case .timedOut:
                counters.increment("hook_timeouts")
                log.warning("notification hook ran past \(settings.timeoutMs) ms for \(event.eventID): killed")
            }
        } catch {
            counters.increment("hook_failed")
            log.error("notification hook: \(error.description)")
        }
    }
}
