import VigilDomain
import VigilMQTT
import VigilRuntime

extension CollectorAgent {
    /// Polls every configured device (one thread per bus) and publishes its readings and status.
    func runModbus(_ context: AgentContext<Settings>, _ sequences: inout SequenceAllocator) async throws {
        let devices = context.settings.devices
        let decoders = devices.map { RegisterDecoder(map: $0.map) }
        var buses: [String: [BusPoller.Device]] = [:]
        var transports: [String: ModbusDevice] = [:]
        for (index, device) in devices.enumerated() {
            // An RTU line's settings come from its first device; all devices on it must agree.
            if let first = transports[device.transport.busKey], first.transport != device.transport {
                throw ConfigError(
                    key: "devices", reason: "\(device.name) and \(first.name) share a line with different settings")
            }
            transports[device.transport.busKey] = transports[device.transport.busKey] ?? device
            buses[device.transport.busKey, default: []].append(
                BusPoller.Device(
                    index: index, unit: device.unit, plan: decoders[index].plan, timeout: device.timeout,
                    retries: device.retries, interval: device.interval, backoffMax: device.backoffMax))
        }
        let pollers = buses.keys.sorted().map { BusPoller(transport: transports[$0]!.transport, devices: buses[$0]!) }
        let (outcomes, sink) = AsyncStream.makeStream(of: (Int, PollOutcome, Timestamp).self)
        for poller in pollers {
            poller.start { index, outcome, at in sink.yield((index, outcome, at)) }
        }
        context.log.notice("polling \(devices.count) Modbus devices on \(pollers.count) buses")

        var health = devices.map { DeviceHealth(unreachableAfter: $0.unreachableAfter) }
        var lastValues = [Reading.Values?](repeating: nil, count: devices.count)
        var lastStatus = [Timestamp?](repeating: nil, count: devices.count)
        for await (index, outcome, at) in outcomes {
            if context.isStopping { break }
            let device = devices[index]
            let decoded = decoders[index].decode(outcome.registers)
            if !decoded.invalid.isEmpty {
                context.counters.increment("invalid_values", by: decoded.invalid.count)
            }
            let quality: Reading.Quality
            var values = decoded.values
            if outcome.registers.allSatisfy({ $0 != nil }) {
                quality = .good
                lastValues[index] = values
            } else if outcome.registers.contains(where: { $0 != nil }) {
                // Fill what could not be read with what was last read, and say so.
                quality = .stale
                values = Self.merge(values, over: lastValues[index])
            } else {
                quality = .commError
                values = Reading.Values()
            }
            let reading = Reading(
                site: context.common.site, asset: device.asset, kind: device.kind,
                seq: try sequences.allocate(device.asset.rawValue), ts: at, source: device.source, quality: quality,
                values: values)
            context.enqueue(
                MQTTMessage(
                    topic: context.topics.telemetry(device.asset), payload: PayloadCodec.encode(reading),
                    qos: .atLeastOnce))
            context.counters.increment("readings")
            if quality != .good { context.counters.increment("readings_\(quality.rawValue)") }

            let changed = health[index].record(outcome, at: at)
            let due = lastStatus[index].map { at.millisecondsSinceEpoch - $0.millisecondsSinceEpoch >= 30_000 } ?? true
            if changed || due {
                if changed {
                    let state = health[index].state
                    let detail = health[index].lastError.map { ": \($0)" } ?? ""
                    if state == .ok {
                        context.log.notice("device \(device.name) is ok")
                    } else {
                        context.log.warning("device \(device.name) is \(state.rawValue)\(detail)")
                    }
                }
                lastStatus[index] = at
                publishStatus(of: device, health[index], at: at, context)
            }
        }
        for poller in pollers { await poller.stop(within: .milliseconds(600)) }
    }

    private func publishStatus(
        of device: ModbusDevice, _ health: DeviceHealth, at: Timestamp, _ context: AgentContext<Settings>
    ) {
        let status = DeviceStatus(
            site: context.common.site, device: device.name, asset: device.asset, source: device.source,
            state: health.state, consecutiveFailures: health.consecutiveFailures, lastError: health.lastError,
            lastOK: health.lastOK, ts: at, counters: health.counters)
        context.enqueue(
            MQTTMessage(
                topic: context.topics.device(device.name), payload: PayloadCodec.encode(status), qos: .atLeastOnce,
                retain: true))
    }

    static func merge(_ fresh: Reading.Values, over previous: Reading.Values?) -> Reading.Values {
        guard let previous else { return fresh }
        var merged = previous
        merged.scalars.merge(fresh.scalars) { $1 }
        for (index, jar) in fresh.jars.enumerated() {
            while merged.jars.count <= index { merged.jars.append([:]) }
            merged.jars[index].merge(jar) { $1 }
        }
        return merged
    }
}
