/// One adapter's place in a replica's scheduler: its status and how many requests wait for it or run with it.
///
/// Threading: engine-loop confined (owned by one replica's `AdapterScheduler`).
final class AdapterState {
    /// Where the adapter is in its life cycle; the base model ("") is always `ready`.
    enum Status { case inactive, pending, loading, ready }
    /// The adapter id; "" is the base model.
    let name: String
    /// True for the base model, which needs no loading and no active-set slot.
    var isBase: Bool { name.isEmpty }
    var status: Status
    /// Requests waiting for admission with this adapter.
    var queued = 0
    /// Requests of this adapter in the running batch.
    var inBatch = 0
    /// When it last became ready (monotonic nanoseconds), for the time slice.
    var activatedAt: UInt64 = 0

    init(name: String) {
        self.name = name
        status = name.isEmpty ? .ready : .inactive
    }
}
