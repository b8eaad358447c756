#if canImport(Glibc)
    internal import Glibc
#endif

/// A plain POSIX thread, for blocking calls (libmodbus, SQLite commits): they must not occupy a thread of Swift's
/// small cooperative pool for a whole response timeout.
public enum OSThread {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Starts `run` on a new detached thread.
    public static func spawn(_ run: @escaping @Sendable () -> Void) {
        let body = Unmanaged.passRetained(Body(run)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(
            &thread, nil,
            { raw in
                let body = Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue()
                body.run()
                return nil
            }, body)
        if result == 0 {
            pthread_detach(thread)
        } else {
            Unmanaged<Body>.fromOpaque(body).release()
        }
    }
}
