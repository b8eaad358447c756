/// How an acknowledged request ended.
enum AckOutcome: Sendable {
    /// PUBACK/PUBCOMP (or, for QoS 0, "written to the socket"), with the MQTT 5 reason code (0 in 3.1.1).
    case published(reason: Int32)
    /// SUBACK, with the granted QoS or reason code per filter.
    case subscribed(granted: [Int32])
    /// The request will never be acknowledged (connection lost for a SUBSCRIBE, client shut down, cancelled).
    case failed(MQTTError)
}

/// Matches broker acknowledgements to the callers waiting for them, by message id.
///
/// libmosquitto assigns the message id inside `mosquitto_publish`/`mosquitto_subscribe`, and its network
/// thread may process the acknowledgement before the caller has registered a continuation for that id.
/// Such early acks are parked in `early` and taken by the registering caller, so they cannot be lost.
/// Ids nobody will wait for (QoS 0, `enqueue`, re-subscriptions, the birth message, cancelled waits) are
/// kept in `unawaited`, so their acks are dropped instead of parked; `early` therefore only ever holds
/// acks whose caller is about to register, which keeps it from growing.
/// Continuations are only handed back; the owner resumes them after releasing its lock.
struct AckBook: Sendable {
    enum Kind: Sendable {
        case publish
        case subscribe
    }

    private struct Waiter: Sendable {
        var kind: Kind
        var continuation: CheckedContinuation<AckOutcome, Never>
    }

    private var waiting: [Int32: Waiter] = [:]
    private var early: [Int32: AckOutcome] = [:]
    /// With the kind, so ids whose ack can never come (a SUBSCRIBE lost with its connection) are forgotten
    /// instead of lingering until the 16-bit id wraps and swallowing a real caller's ack.
    private var unawaited: [Int32: Kind] = [:]

    /// Registers a caller for `mid`; returns the outcome at once if the ack already arrived.
    mutating func register(
        _ mid: Int32,
        kind: Kind,
        continuation: CheckedContinuation<AckOutcome, Never>
    ) -> AckOutcome? {
        unawaited[mid] = nil
        if let outcome = early.removeValue(forKey: mid) {
            return outcome
        }
        waiting[mid] = Waiter(kind: kind, continuation: continuation)
        return nil
    }

    /// Marks `mid` as one nobody waits for, consuming an ack that may already have arrived.
    mutating func ignore(_ mid: Int32, kind: Kind = .publish) {
        if early.removeValue(forKey: mid) == nil {
            unawaited[mid] = kind
        }
    }

    /// Records the ack for `mid`; returns the continuation to resume, if a caller is waiting.
    mutating func acknowledge(_ mid: Int32, _ outcome: AckOutcome) -> CheckedContinuation<AckOutcome, Never>? {
        if let waiter = waiting.removeValue(forKey: mid) {
            return waiter.continuation
        }
        if unawaited.removeValue(forKey: mid) == nil {
            early[mid] = outcome
        }
        return nil
    }

    /// Withdraws the caller waiting for `mid` (its task was cancelled); a later ack is then dropped.
    mutating func withdraw(_ mid: Int32) -> CheckedContinuation<AckOutcome, Never>? {
        guard let waiter = waiting.removeValue(forKey: mid) else { return nil }
        unawaited[mid] = waiter.kind
        return waiter.continuation
    }

    /// Removes the waiters of one kind, e.g. SUBSCRIBEs, which libmosquitto does not resend after a reconnect.
    mutating func removeWaiters(of kind: Kind) -> [CheckedContinuation<AckOutcome, Never>] {
        let matching = waiting.filter { $0.value.kind == kind }
        for mid in matching.keys {
            waiting[mid] = nil
        }
        unawaited = unawaited.filter { $0.value != kind }
        return matching.values.map(\.continuation)
    }

    /// Empties the book when the client shuts down; returns every waiter so it can be failed.
    mutating func removeAll() -> [CheckedContinuation<AckOutcome, Never>] {
        let continuations = waiting.values.map(\.continuation)
        waiting = [:]
        early = [:]
        unawaited = [:]
        return continuations
    }
}
