import Synchronization
import VigilDomain
import VigilMQTT
import VigilModbus
import VigilOutbox
import VigilRuntime

extension CollectorAgent {
    /// Polls every configured device, one thread per bus, and publishes readings and device status.
    ///
    /// Each bus thread decodes and encodes its own readings and hands them to the outbox: no hop
    /// through the async pool per reading, and two buses use two cores.
    func runModbus(_ context: AgentContext<Settings>, _ outbox: Outbox) async throws {
        let devices = context.settings.devices
        let publisher = ModbusPublisher(devices: devices, context: context, outbox: outbox)
        // Devices on one line or endpoint share one bus (its settings agree: checked when loaded).
        var buses: [String: (transport: ModbusTransport, devices: [BusPoller.Device])] = [:]
        for (index, device) in devices.enumerated() {
            let key = device.transport.busKey
            buses[key, default: (device.transport, [])].devices.append(
                BusPoller.Device(
                    index: index, unit: device.unit, plan: publisher.decoders[index].plan, timeout: device.timeout,
                    retries: device.retries, interval: device.interval, backoffMax: device.backoffMax))
        }
        let pollers = buses.keys.sorted().map {
            BusPoller(transport: buses[$0]!.transport, devices: buses[$0]!.devices)
        }
        for poller in pollers {
            poller.start { index, outcome, at in publisher.handle(index, outcome, at: at) }
        }
        context.log.notice("polling \(devices.count) Modbus devices on \(pollers.count) buses")
        // The inbox ends when the runtime stops the agent; until then, fault injection is refused.
        for await message in context.messages where !acknowledgement(message, context, outbox) {
            context.reject(message, reason: "command/simulator: the collector reads Modbus devices, not the simulator")
        }
        for poller in pollers { poller.stop(within: .milliseconds(600)) }
        // A bus thread still inside a slow request finds the publisher closed and drops its outcome.
        publisher.close()
    }
}

/// Turns poll outcomes into readings and device status. Called on the bus threads; each device
/// belongs to one bus, so its state is only ever touched by one thread at a time.
final class ModbusPublisher: Sendable {
    struct DeviceState: Sendable {
        var health: DeviceHealth
        /// Per planned range, the registers last read and when; decoded only when a later poll
        /// needs to fill a range it could not read.
        var lastRanges: [([UInt16], Timestamp)?] = []
        var lastStatus: Timestamp?
        /// The asset's last `seq`; the device lock already covers it, so numbering takes no other.
        var lastSeq: UInt64 = 0
        var closed = false
        /// Counts not yet added to the agent's counters, flushed about once a second.
        var pending: [String: Int] = [:]
        var lastFlush: Timestamp?
    }

    let devices: [ModbusDevice]
    let decoders: [RegisterDecoder]
    let envelopes: [Reading.Envelope]
    let topics: [String]
    let context: AgentContext<CollectorAgent.Settings>
    let outbox: Outbox
    private let states: [Slot]

    final class Slot: Sendable {
        let state: Mutex<DeviceState>
        init(_ state: DeviceState) { self.state = Mutex(state) }
    }

    init(devices: [ModbusDevice], context: AgentContext<CollectorAgent.Settings>, outbox: Outbox) {
        self.devices = devices
        decoders = devices.map { RegisterDecoder(map: $0.map) }
        envelopes = devices.map {
            Reading.Envelope(
                site: context.common.site, asset: $0.asset, kind: $0.kind, source: $0.source,
                collector: context.common.agentID)
        }
        topics = devices.map { context.topics.telemetry($0.asset) }
        self.context = context
        self.outbox = outbox
        states = devices.map {
            Slot(
                DeviceState(
                    health: DeviceHealth(unreachableAfter: $0.unreachableAfter),
                    lastSeq: outbox.lastSequences[$0.asset.rawValue] ?? 0))
        }
    }

    func handle(_ index: Int, _ outcome: PollOutcome, at: Timestamp) {
        let device = devices[index]
        let complete = outcome.registers.allSatisfy { $0 != nil }
        let (quality, values, status, change) = states[index].state.withLock {
            state -> (Reading.Quality, Reading.Values?, DeviceStatus?, Bool) in
            var quality = Reading.Quality.good
            var values: Reading.Values?
            // Last-read registers per range, kept for a while to fill a range that fails once.
            if state.lastRanges.isEmpty {
                state.lastRanges = Array(repeating: nil, count: outcome.registers.count)
            }
            let interval = device.interval.components
            let intervalMilliseconds = interval.seconds * 1000 + interval.attoseconds / 1_000_000_000_000_000
            let staleLimit = max(10 * intervalMilliseconds, 60_000)
            for (range, registers) in outcome.registers.enumerated() where registers != nil {
                state.lastRanges[range] = (registers!, at)
            }
            let served = outcome.registers.contains { $0 != nil }
            // Ranges the unit refused with an exception are not on this device: they are left out,
            // not waited for, and reported on device/<device> instead.
            let failed = outcome.registers.indices.filter {
                outcome.registers[$0] == nil && !outcome.refusedRanges.contains($0)
            }
            if complete {
                // The common case skips building values: `payload` below writes the registers
                // straight to JSON.
            } else if served && failed.isEmpty {
                values = decode(index, outcome.registers)
            } else if served {
                // Fill what could not be read with what was last read, while it is recent, and say so.
                quality = .stale
                var filled = outcome.registers
                for range in failed {
                    if let (registers, when) = state.lastRanges[range],
                        at.millisecondsSinceEpoch - when.millisecondsSinceEpoch <= staleLimit
                    {
                        filled[range] = registers
                    }
                }
                values = decode(index, filled)
            } else {
                quality = .commError
                values = Reading.Values()
            }
            let changed = state.health.record(outcome, at: at)
            let due = state.lastStatus.map { at.millisecondsSinceEpoch - $0.millisecondsSinceEpoch >= 30_000 } ?? true
            var status: DeviceStatus?
            if changed || due {
                state.lastStatus = at
                status = DeviceStatus(
                    site: context.common.site, device: device.name, asset: device.asset, source: device.source,
                    state: state.health.state, consecutiveFailures: state.health.consecutiveFailures,
                    lastError: state.health.lastError, lastOK: state.health.lastOK, ts: at,
                    counters: state.health.counters)
            }
            return (quality, values, status, changed)
        }
        // After stop a bus thread still inside a slow request drops its outcome.
        guard
            let seq = states[index].state.withLock({ state -> UInt64? in
                guard !state.closed else { return nil }
                state.lastSeq += 1
                return state.lastSeq
            })
        else { return }
        var payload: [UInt8]?
        if complete {
            payload = decoders[index].encodedReading(
                envelope: envelopes[index], seq: seq, ts: at, registers: outcome.registers.map { $0! })
        }
        if payload == nil {
            let reading = Reading(
                site: context.common.site, asset: device.asset, kind: device.kind, seq: seq, ts: at,
                source: device.source, quality: quality, values: values ?? decode(index, outcome.registers),
                collector: context.common.agentID)
            payload = reading.encodedJSON()
        }
        outbox.submit(asset: device.asset, seq: seq, topic: topics[index], payload: payload!)
        count(index, quality == .good ? nil : "readings_\(quality.rawValue)", at: at)
        if let status {
            if change {
                let detail = status.lastError.map { ": \($0)" } ?? ""
                if status.state == .ok {
                    context.log.notice("device \(device.name) is ok")
                } else {
                    context.log.warning("device \(device.name) is \(status.state.rawValue)\(detail)")
                }
            }
            context.enqueue(
                MQTTMessage(
                    topic: context.topics.device(device.name), payload: PayloadCodec.encode(status), qos: .atLeastOnce,
                    retain: true))
        }
    }

    /// Counts a reading locally and adds the counts to the agent's about once a second: four bus
    /// threads taking one shared lock per reading cost more than the readings.
    private func count(_ index: Int, _ extra: String?, at: Timestamp) {
        let flush = states[index].state.withLock { state -> [String: Int]? in
            state.pending["readings", default: 0] += 1
            if let extra { state.pending[extra, default: 0] += 1 }
            let due = state.lastFlush.map { at.millisecondsSinceEpoch - $0.millisecondsSinceEpoch >= 1000 } ?? true
            guard due || extra != nil else { return nil }
            state.lastFlush = at
            defer { state.pending = [:] }
            return state.pending
        }
        for (name, amount) in flush ?? [:] { context.counters.increment(name, by: amount) }
    }

    func close() {
        for slot in states {
            let pending = slot.state.withLock { state in
                state.closed = true
                defer { state.pending = [:] }
                return state.pending
            }
            for (name, amount) in pending { context.counters.increment(name, by: amount) }
        }
    }

    /// Values of a poll, leaving out what was not read or is not a number (counted).
    private func decode(_ index: Int, _ registers: [[UInt16]?]) -> Reading.Values {
        let decoded = decoders[index].decode(registers)
        if !decoded.invalid.isEmpty {
            context.counters.increment("invalid_values", by: decoded.invalid.count)
        }
        return decoded.values
    }

}
