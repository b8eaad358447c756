import Glibc
import Synchronization
import Testing

@testable import VigilMQTT

@Suite struct DeliveryGateTests {
    @Test func theNetworkThreadWaitsWhileTheConsumerIsBehindAndGoesOnWhenItCatchesUp() async throws {
        let gate = DeliveryGate(limit: 3)
        for _ in 0..<3 { gate.enter { false } }
        let entered = Mutex(false)
        let thread = Thread {
            gate.enter { false }
            entered.withLock { $0 = true }
        }
        thread.start()
        try await Task.sleep(for: .milliseconds(100))
        #expect(!entered.withLock { $0 }, "a full gate let the fourth message through")
        #expect(gate.stallCount == 1)
        gate.leave()
        let deadline = ContinuousClock.now + .seconds(2)
        while !entered.withLock({ $0 }), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(entered.withLock { $0 })
        #expect(gate.pending == 3)
    }

    @Test func aShutDownClientIsNeverHeld() {
        let gate = DeliveryGate(limit: 1)
        gate.enter { false }
        let start = ContinuousClock.now
        gate.enter { true }
        #expect(ContinuousClock.now - start < .milliseconds(100))
    }
}

/// A plain thread for the test: the gate blocks a real OS thread, as libmosquitto's would be.
final class Thread: Sendable {
    private let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    func start() {
        let box = Unmanaged.passRetained(self).toOpaque()
        var handle = pthread_t()
        pthread_create(
            &handle, nil,
            { raw in
                let thread = Unmanaged<Thread>.fromOpaque(raw!).takeRetainedValue()
                thread.body()
                return nil
            }, box)
        pthread_detach(handle)
    }
}
