/// What a replay yields for each data row of its file.
///
/// A bad row does not stop the replay: the collector must keep publishing and report what it
/// refused, so refusals come out in file order alongside the readings and the caller counts them.
public enum ReplayItem: Sendable, Equatable {
    case reading(ReplayRecord)
    case refused(ReplayError)
}
