/// Which task row each request of a run asks, from the request's number alone (so a seed gives the same requests
/// whatever order they complete in): bindings take turns, each walks its task's rows in the file's order (or, when
/// `seed` is given, a seeded shuffle of it) and starts
/// again when it has asked them all, and every `canaryEvery`-th request re-asks one of a binding's canary prompts.
public struct TaskPlan: Sendable {
    /// One task answered by one adapter ("" for the base model).
    public struct Binding: Sendable {
        public var task: EvalTask
        public var adapter: String
        public init(task: EvalTask, adapter: String) { self.task = task; self.adapter = adapter }
    }

    /// Golden canaries: the first `prompts` rows of each binding's task (in the task's own order).
    public struct Canaries: Sendable, Equatable {
        public var prompts: Int
        /// Request numbers n with n % every == every − 1 are canaries.
        public var every: Int
        /// Leading characters of the idle answer that must match; nil means all of it.
        public var requiredPrefix: Int?
        public init(prompts: Int, every: Int, requiredPrefix: Int?) {
            self.prompts = prompts; self.every = every; self.requiredPrefix = requiredPrefix
        }
    }

    /// What request `sequence` asks.
    public struct Pick: Sendable, Equatable {
        public var binding: Int
        public var item: Int
        /// It re-asks canary prompt `item` of its binding.
        public var canary: Bool
        public init(binding: Int, item: Int, canary: Bool) { self.binding = binding; self.item = item; self.canary = canary }
    }

    public let bindings: [Binding]
    public let canaries: Canaries?
    private let orders: [[Int]]

    /// `seed` nil walks each task in its file's order: a run that stops part-way through a pass has then asked a
    /// contiguous stretch of rows, as a harness does; a seed shuffles each binding's order.
    public init(bindings: [Binding], seed: UInt64?, canaries: Canaries?) {
        precondition(!bindings.isEmpty, "a task plan needs a binding")
        self.bindings = bindings
        self.canaries = canaries
        orders = bindings.enumerated().map { b, binding in
            guard let seed else { return Array(binding.task.items.indices) }
            return Self.shuffled(binding.task.items.count, seed: seed &+ UInt64(b) &* 0x9E37_79B9_7F4A_7C15)
        }
    }

    /// Canary prompts binding `b` has (its task may have fewer rows than asked for).
    public func canaryCount(binding b: Int) -> Int { min(canaries?.prompts ?? 0, bindings[b].task.items.count) }

    public func pick(sequence: Int) -> Pick {
        let n = bindings.count
        if let c = canaries, c.every > 0, c.prompts > 0, sequence % c.every == c.every - 1 {
            let k = sequence / c.every
            let b = k % n
            return Pick(binding: b, item: (k / n) % canaryCount(binding: b), canary: true)
        }
        let m = canaries.map { $0.every > 0 && $0.prompts > 0 ? sequence - sequence / $0.every : sequence } ?? sequence
        let b = m % n
        let order = orders[b]
        return Pick(binding: b, item: order[(m / n) % order.count], canary: false)
    }

    /// 0..<count in a seeded Fisher–Yates order (SplitMix64 steps).
    static func shuffled(_ count: Int, seed: UInt64) -> [Int] {
        var a = Array(0..<count)
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        if count > 1 { for i in stride(from: count - 1, to: 0, by: -1) { a.swapAt(i, Int(next() % UInt64(i + 1))) } }
        return a
    }
}
