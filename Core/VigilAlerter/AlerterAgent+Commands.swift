import VigilDomain
import VigilMQTT
import VigilRuntime

extension AlerterAgent {
    /// An operator's command, answered on its reply topic either way: an operator pressing a
    /// button in Node-RED must learn that nothing happened, and why.
    func command(
        _ action: Topics.AlertAction?, _ key: AlarmBook.Key, _ message: MQTTMessage, _ book: inout AlarmBook,
        _ context: AgentContext<Settings>
    ) -> [AlarmBook.Transition] {
        let now = Timestamp.now()
        let name = action?.rawValue ?? String(message.topic.split(separator: "/").last ?? "")
        func reply(_ body: AlertCommand?, _ refusal: String?, _ alert: Alert?) {
            context.counters.increment(refusal == nil ? "commands_applied" : "commands_refused")
            if let refusal { context.log.warning("command \(name) on \(key) refused: \(refusal)") }
            guard let action else { return }
            let answer = AlertCommandReply(
                ok: refusal == nil, action: name, asset: key.asset.rawValue, code: key.code.rawValue, user: body?.user,
                requestID: body?.requestID, reason: refusal, alert: alert, ts: now)
            context.enqueue(
                MQTTMessage(
                    topic: context.topics.alertReply(key.asset, key.code, action), payload: PayloadCodec.encode(answer),
                    qos: .atLeastOnce, retain: false))
        }
        guard let action else {
            reply(nil, "unknown action \"\(name)\" (expected ack, shelve or unshelve)", nil)
            return []
        }
        let body: AlertCommand
        do {
            body = try PayloadCodec.decode(
                AlertCommand.self, from: message.payload, maximumBytes: context.common.maximumPayloadBytes)
        } catch {
            context.reject(message, reason: error.description)
            reply(nil, error.description, nil)
            return []
        }
        do {
            let transitions = try book.command(action, key, body, now: now)
            reply(body, nil, book.alarm(key))
            return transitions
        } catch {
            reply(body, error.description, book.alarm(key))
            return []
        }
    }
}
