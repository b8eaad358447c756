import VigilDomain
import VigilMQTT
import VigilOutbox
import VigilReplay
import VigilRuntime

#if canImport(Glibc)
    import Glibc
#endif

extension CollectorAgent {
    /// Publishes a recorded file as readings, paced at the configured rate; refused rows are
    /// counted and logged with their line, never published. When the file ends the collector
    /// stays up (a systemd service that exits is restarted) and says it is done.
    func runReplay(_ context: AgentContext<Settings>, _ outbox: Outbox) async throws {
        var sequences = SequenceNumbers(last: outbox.lastSequences)
        // Acknowledgements must empty the outbox while a long file plays, not after it.
        let inbox = Task {
            for await message in context.messages where !acknowledgement(message, context, outbox) {
                context.reject(
                    message, reason: "command/simulator: the collector is replaying a file, not simulating")
            }
        }
        defer { inbox.cancel() }
        guard let settings = context.settings.replay else {
            throw ConfigError(key: "replay", reason: "source replay needs a replay section")
        }
        var source = try settings.source()
        var pacer = ReplayPacer(rate: settings.rate)
        let progress = ReplayProgress(file: source.file)
        // A terminal gets a live progress line; journald gets a notice every ten seconds.
        let terminal = isatty(2) == 1
        let clock = ContinuousClock()
        let started = clock.now
        var lastReport = started
        var done = 0
        var refused = 0
        context.log.notice("replaying \(source.file): \(source.totalRecords) records at \(settings.rate)")
        while let item = source.next() {
            if context.isStopping || Task.isCancelled { return }
            done += 1
            switch item {
            case .refused(let error):
                refused += 1
                let count = context.counters.increment("replay_refused")
                if count <= 100 || count % 1000 == 0 { context.log.warning("replay refused \(error)") }
            case .reading(let record):
                let delay = pacer.delay(before: record.ts, now: clock.now)
                if delay > .zero {
                    do {
                        try await Task.sleep(for: delay)
                    } catch {
                        return
                    }
                } else if done % 256 == 0 {
                    // As fast as possible still lets the agent's other tasks run now and then.
                    await Task.yield()
                }
                var reading = record.reading(
                    site: context.common.site, seq: sequences.next(record.asset.rawValue),
                    source: "replay://\(source.file)#L\(record.line)")
                reading.collector = context.common.agentID
                outbox.submit(
                    asset: record.asset, seq: reading.seq, topic: context.topics.telemetry(record.asset),
                    payload: reading.encodedJSON())
                context.counters.increment("readings")
            }
            let now = clock.now
            if terminal && now - lastReport >= .milliseconds(200) || !terminal && now - lastReport >= .seconds(10) {
                lastReport = now
                let line = progress.line(
                    done: done, total: source.totalRecords, refused: refused, elapsed: now - started)
                if terminal { Self.overwrite(line) } else { context.log.notice(line) }
            }
        }
        let summary = progress.line(
            done: done, total: source.totalRecords, refused: refused, elapsed: clock.now - started)
        if terminal { Self.overwrite(summary + "\n") }
        context.log.notice("replay finished: \(summary)")
        context.counters.increment("replay_finished")
        await inbox.value
    }

    private static func overwrite(_ line: String) {
        let bytes = Array(("\r\u{1B}[K" + line).utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}
