import Foundation
import Glibc
import Testing
import VigilDomain
import VigilMQTT
import VigilTestSupport

/// The collector deletes what the recorder acknowledges, so an acknowledgement must never run
/// ahead of the disk: a power cut would then take those readings from both sides. Watched with
/// `strace` on the real recorder: every `ack/` publish must come after an fsync of the database's
/// write-ahead log that followed its last write there.
@Suite(.broker, .serialized)
struct DurableAcknowledgementTests {
    /// One system call seen by strace: the thread, the call's name, and the whole line.
    struct Call {
        var thread: String
        var name: String
        var line: Substring
    }

    static func calls(_ trace: String) -> [Call] {
        trace.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", maxSplits: 1)
            guard fields.count == 2 else { return nil }
            // strace pads the thread id with spaces.
            let rest = fields[1].drop { $0 == " " }
            if rest.hasPrefix("<... ") {
                // "<... fdatasync resumed>) = 0": the end of a call another thread interrupted.
                let name = rest.dropFirst(5).prefix { $0 != " " }
                return Call(thread: String(fields[0]), name: "\(name) resumed", line: line)
            }
            return Call(thread: String(fields[0]), name: String(rest.prefix { $0 != "(" }), line: line)
        }
    }

    /// Whether the log was synced after its last write before each acknowledgement went out.
    /// - Returns: the acknowledgements seen, and those sent while the log held unsynced writes.
    static func check(_ trace: String) -> (acks: Int, early: [Substring], syncs: Int) {
        var unsynced = false
        var syncing: Set<String> = []
        var acks = 0
        var syncs = 0
        var early: [Substring] = []
        for call in calls(trace) {
            let onLog = call.line.contains("-wal>")
            switch call.name {
            case "pwrite64" where onLog:
                unsynced = true
            case "fdatasync", "fsync":
                guard onLog else { continue }
                if call.line.contains("<unfinished") {
                    syncing.insert(call.thread)
                } else if call.line.hasSuffix("= 0") {
                    unsynced = false
                    syncs += 1
                }
            case "fdatasync resumed", "fsync resumed":
                if syncing.remove(call.thread) != nil, call.line.hasSuffix("= 0") {
                    unsynced = false
                    syncs += 1
                }
            case "write", "writev", "sendto", "sendmsg":
                guard call.line.contains("/ack/") else { continue }
                acks += 1
                if unsynced { early.append(call.line) }
            default:
                continue
            }
        }
        return (acks, early, syncs)
    }

    /// Pump readings as collector `test` would publish them.
    static func send(_ seqs: ClosedRange<UInt64>, site: String, through client: MQTTClient) async throws {
        for seq in seqs {
            let reading = Reading(
                site: try TopicLevel(site), asset: try TopicLevel("pump-1"), kind: .generic, seq: seq, ts: .now(),
                source: "test", values: .init(scalars: ["flow_lps": 40]), collector: try TopicLevel("test"))
            try await client.publish(
                MQTTMessage(topic: "vigil/\(site)/telemetry/pump-1", payload: reading.encodedJSON(), qos: .atLeastOnce))
        }
    }

    /// The watermark an `ack/test` message acknowledges for pump-1; nil for any other message.
    static func committed(_ message: MQTTMessage, site: String) -> UInt64? {
        guard message.topic == "vigil/\(site)/ack/test",
            let ack = try? PayloadCodec.decode(Acknowledgement.self, from: message.payload)
        else { return nil }
        return ack.assets["pump-1"]?.committed
    }

    /// A watcher and the built recorder, online.
    static func recorder(site: String, syncMilliseconds: Int) async throws -> (
        SiteHarness, MQTTClient, StreamRecorder<MQTTMessage>, AgentProcess
    ) {
        let harness = SiteHarness(site: site, port: Broker.current!.port)
        let (client, messages) = try await harness.watcher()
        let recorder = try harness.start("recorder", config: "recorder:\n  sync_ms: \(syncMilliseconds)\n")
        let online = await messages.first(within: .seconds(10)) { harness.isStatus($0, "recorder", .online) }
        #expect(online != nil, "\(recorder.log)")
        return (harness, client, messages, recorder)
    }

    @Test(.timeLimit(.minutes(1)))
    func everyAcknowledgementFollowsAnFsyncOfWhatItCovers() async throws {
        let site = "e2e-durable"
        let (harness, client, messages, recorder) = try await Self.recorder(site: site, syncMilliseconds: 200)
        defer { Task { await client.disconnect() } }
        defer { recorder.stop() }

        let tracePath = "\(harness.directory)/recorder.strace"
        let strace = Process()
        // Started through Python to clear the signal mask it would inherit from this test's
        // thread (Swift blocks SIGINT there), or strace could not be stopped to write its log.
        strace.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        // -f: every thread (the writer syncs; whichever thread publishes writes the ack); -y: paths for descriptors.
        strace.arguments = [
            "-c",
            "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])",
            "/usr/bin/strace", "-f", "-y", "-s", "128", "-e",
            "trace=pwrite64,fdatasync,fsync,write,writev,sendto,sendmsg", "-o", tracePath, "-p", String(recorder.pid),
        ]
        strace.standardError = FileHandle.nullDevice
        try strace.run()
        defer { if strace.isRunning { kill(strace.processIdentifier, SIGKILL) } }
        // Attached once the kernel names strace as the recorder's tracer.
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let status = (try? String(contentsOfFile: "/proc/\(recorder.pid)/status", encoding: .utf8)) ?? ""
            if status.split(separator: "\n").contains(where: { $0.hasPrefix("TracerPid:") && !$0.hasSuffix("\t0") }) {
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: .milliseconds(300))

        // Three rounds, each waiting for its acknowledgement, so several commits and syncs are seen.
        for round in 0..<3 {
            let target = UInt64(round * 20 + 20)
            try await Self.send(target - 19...target, site: site, through: client)
            let acked = await messages.first(within: .seconds(10)) { Self.committed($0, site: site) == target }
            #expect(acked != nil, "no acknowledgement up to \(target): \(recorder.log)")
        }
        // SIGINT makes strace detach and write out its log; waited for without blocking the test.
        strace.interrupt()
        let stopBy = ContinuousClock.now + .seconds(10)
        while strace.isRunning, ContinuousClock.now < stopBy { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!strace.isRunning, "strace did not stop on SIGINT")

        let trace = (try? String(contentsOfFile: tracePath, encoding: .utf8)) ?? ""
        let result = Self.check(trace)
        #expect(result.acks >= 3, "acknowledgements seen in the trace: \(result.acks)\n\(trace.suffix(3000))")
        #expect(result.syncs >= 3, "fsyncs of the log seen: \(result.syncs)")
        #expect(result.early.isEmpty, "sent before the log was synced:\n\(result.early.joined(separator: "\n"))")
    }

    /// What the recorder committed since its last sync is synced and acknowledged when it stops,
    /// before it leaves the broker: otherwise the collector sends it all again after its timeout.
    @Test(.timeLimit(.minutes(1)))
    func theLastAcknowledgementsGoOutWhenTheRecorderStops() async throws {
        let site = "e2e-stop-ack"
        // A sync at most once a minute, counted from the start: only the stop can acknowledge.
        let (_, client, messages, recorder) = try await Self.recorder(site: site, syncMilliseconds: 60_000)
        defer { Task { await client.disconnect() } }
        defer { recorder.stop() }
        // Committed, but within the minute after the recorder started: held, not yet synced.
        try await Self.send(1...40, site: site, through: client)
        let stored = await messages.first(within: .seconds(10)) { message in
            guard message.topic == "vigil/\(site)/status/recorder", let status = SiteHarness.status(message)
            else { return false }
            return status.counters.filter { $0.key.hasPrefix("stored_") }.values.reduce(0, +) >= 40
        }
        #expect(stored != nil, "the readings were not committed: \(recorder.log)")
        let early = messages.all.compactMap { Self.committed($0, site: site) }.max() ?? 0
        #expect(early < 40, "all was acknowledged before the stop, so the stop proves nothing")

        recorder.signal(SIGTERM)
        let last = await messages.first(within: .seconds(10)) { Self.committed($0, site: site) == 40 }
        #expect(last != nil, "no acknowledgement of the held readings at the stop: \(recorder.log)")
        #expect(await recorder.waitForExit(within: .seconds(10)) == 0)
        #expect(!recorder.log.contains("failed"), "\(recorder.log)")
    }

    /// The parser itself, on lines as strace 6.1 prints them, so the test above cannot pass by
    /// recognising nothing.
    @Test func theCheckCatchesAnAcknowledgementAheadOfTheSync() {
        let early = """
            101  pwrite64(5</s/history.db-wal>, "\\0\\0", 4096, 8192) = 4096
            102  write(7<TCP:[1]>, "2\\37\\0\\33vigil/x/ack/test{}", 33) = 33
            101  fdatasync(5</s/history.db-wal>) = 0
            """
        #expect(Self.check(early).early.count == 1)
        let synced = """
            101  pwrite64(5</s/history.db-wal>, "\\0\\0", 4096, 8192) = 4096
            101  fdatasync(5</s/history.db-wal> <unfinished ...>
            102  write(7<TCP:[1]>, "\\300\\0", 2) = 2
            101  <... fdatasync resumed>) = 0
            102  write(7<TCP:[1]>, "2\\37\\0\\33vigil/x/ack/test{}", 33) = 33
            """
        let result = Self.check(synced)
        #expect(result.early.isEmpty)
        #expect(result.acks == 1)
        #expect(result.syncs == 1)
    }
}
