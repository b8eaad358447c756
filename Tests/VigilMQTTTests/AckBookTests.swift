import Testing

@testable import VigilMQTT

/// The bookkeeping behind the ack race, without a broker: the network thread may deliver a PUBACK
/// before the publishing task has registered for it.
@Suite(.timeLimit(.minutes(1)))
struct AckBookTests {
    @Test("an ack that beats the registration is handed over when the caller registers")
    func earlyAck() async {
        var book = AckBook()
        #expect(book.acknowledge(5, .published(reason: 0)) == nil)
        let outcome = await withCheckedContinuation { continuation in
            let early = book.register(5, kind: .publish, continuation: continuation)
            continuation.resume(returning: early ?? .failed(.failure("test", code: 0, detail: "not early")))
        }
        guard case .published(reason: 0) = outcome else {
            Issue.record("expected the parked PUBACK, got \(outcome)")
            return
        }
    }

    @Test("acks nobody waits for are dropped instead of parked")
    func unawaitedAcksAreDropped() async {
        var book = AckBook()
        book.ignore(7)
        #expect(book.acknowledge(7, .published(reason: 0)) == nil)
        // A later request reusing id 7 must wait for its own ack, not take the stale one.
        let registered = await withCheckedContinuation { continuation in
            let early = book.register(7, kind: .publish, continuation: continuation)
            book.withdraw(7)?.resume(returning: early == nil ? .published(reason: 1) : .published(reason: 2))
        }
        guard case .published(reason: 1) = registered else {
            Issue.record("a stale ack was handed out: \(registered)")
            return
        }
    }

    @Test("an ack arriving before ignore() is consumed by it, not left for a later request")
    func ignoreConsumesEarlyAck() async {
        var book = AckBook()
        _ = book.acknowledge(9, .published(reason: 0))
        book.ignore(9)
        let registered = await withCheckedContinuation { continuation in
            let early = book.register(9, kind: .publish, continuation: continuation)
            book.withdraw(9)?.resume(returning: early == nil ? .published(reason: 1) : .published(reason: 2))
        }
        guard case .published(reason: 1) = registered else {
            Issue.record("the ignored ack was handed out: \(registered)")
            return
        }
    }

    @Test("a SUBSCRIBE lost with its connection leaves no stale id behind to swallow a later early ack")
    func lostSubscribeIsForgotten() async {
        var book = AckBook()
        book.ignore(11, kind: .subscribe)
        _ = book.removeWaiters(of: .subscribe)
        // Id 11 is reused by a publish whose PUBACK beats its registration: it must be parked, not dropped.
        #expect(book.acknowledge(11, .published(reason: 0)) == nil)
        let outcome = await withCheckedContinuation { continuation in
            let early = book.register(11, kind: .publish, continuation: continuation)
            continuation.resume(returning: early ?? .failed(.failure("test", code: 0, detail: "dropped")))
        }
        guard case .published(reason: 0) = outcome else {
            Issue.record("the early PUBACK was swallowed by a stale SUBSCRIBE id: \(outcome)")
            return
        }
    }
}
