import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// SIGTERM, SIGINT and SIGHUP as an async stream, so shutdown is an ordinary await.
enum Signals {
    static func stream(_ numbers: [Int32] = [SIGTERM, SIGINT, SIGHUP]) -> AsyncStream<Int32> {
        // A parent (a test harness, some supervisors) may have left these blocked; a blocked
        // SIGTERM would make the agent unkillable except by SIGKILL.
        var set = sigset_t()
        sigemptyset(&set)
        for number in numbers { sigaddset(&set, number) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)

        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        let sources = Box(
            numbers.map { number -> any DispatchSourceSignal in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { continuation.yield(number) }
                source.resume()
                return source
            })
        continuation.onTermination = { _ in
            for source in sources.value { source.cancel() }
        }
        return stream
    }

    /// Dispatch sources are thread-safe but not marked Sendable.
    private final class Box: @unchecked Sendable {
        let value: [any DispatchSourceSignal]
        init(_ value: [any DispatchSourceSignal]) { self.value = value }
    }
}
