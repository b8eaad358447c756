import VigilDomain
import VigilRuntime

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `<state_dir>/alerter-state.json`: the alarm book's memory and the last transitions it produced.
///
/// Written atomically *before* those transitions go to the outbox. A crash between the two
/// leaves them here, and the next start hands the outbox every one it does not hold yet, under
/// the same numbers: the recorder keeps events by id and sequence, so none is lost or doubled.
struct AlerterState: Sendable, Codable {
    var v = 1
    var memory: AlarmBook.Memory
    var journal: [AlertEvent]

    static func load(_ path: String) throws -> AlerterState? {
        guard FileSystem.exists(path) else { return nil }
        return try JSONDecoder().decode(AlerterState.self, from: Data(try FileSystem.read(path)))
    }

    func save(_ path: String) throws {
        try FileSystem.writeAtomically(Array(try JSONEncoder().encode(self)), to: path)
    }
}
