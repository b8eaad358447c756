import Synchronization

/// Drains an `AsyncStream` in the background and lets a test wait, with a deadline, for what arrived.
///
/// Iterators cannot be shared between tasks, so waiting "for the next element with a timeout" is done
/// by recording everything and polling the record.
public final class StreamRecorder<Element: Sendable>: Sendable {
    /// Shared with the draining task, which must not keep the recorder itself alive.
    private final class Record: Sendable {
        let elements = Mutex<[Element]>([])
        let finished = Mutex(false)
    }

    private let record = Record()
    private let task: Task<Void, Never>

    public init(_ stream: AsyncStream<Element>) {
        let record = record
        task = Task {
            for await element in stream {
                record.elements.withLock { $0.append(element) }
            }
            record.finished.withLock { $0 = true }
        }
    }

    deinit {
        task.cancel()
    }

    /// Everything recorded so far.
    public var all: [Element] { record.elements.withLock { $0 } }

    /// True once the stream has finished.
    public var isFinished: Bool { record.finished.withLock { $0 } }

    /// Waits until `condition` holds for the recorded elements, or the time is up; returns the record.
    @discardableResult
    public func wait(
        for limit: Duration = .seconds(5),
        until condition: ([Element]) -> Bool
    ) async -> [Element] {
        let deadline = ContinuousClock.now + limit
        while true {
            let snapshot = all
            if condition(snapshot) || ContinuousClock.now >= deadline {
                return snapshot
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Waits for the first element that matches, or nil when none arrived in time.
    public func first(
        within limit: Duration = .seconds(5),
        where predicate: (Element) -> Bool
    ) async -> Element? {
        await wait(for: limit) { $0.contains(where: predicate) }.first(where: predicate)
    }
}
