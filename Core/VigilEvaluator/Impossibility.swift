/// Why a reading cannot be true as a whole (its values contradict each other), for `rejected/<asset>`.
struct Impossibility: Sendable, Equatable {
    var field: String
    var value: Double
    var reason: String
    var recommendation: String
}
