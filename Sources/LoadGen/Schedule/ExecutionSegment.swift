import Foundation

/// One of `count` disjoint shares of a run's load (k6's execution segments), so N processes together send exactly
/// what one would. Pure arithmetic, no clock: the executors ask it which VUs, arrivals and sequence numbers are theirs.
///
/// The fixed rule is striping by index: VU number `j`, arrival number `k` (in the whole schedule's order) and
/// sequence number `s` belong to segment `x mod count`. So at every moment the segments' VU counts add up to the
/// whole's (10 VUs over 3 segments are 4+3+3: VUs 0,3,6,9 / 1,4,7 / 2,5,8), a ramp adds and retires the same global
/// VUs it would in one process, and every arrival is sent by exactly one segment. Segment 0 of 1 is the whole run.
public struct ExecutionSegment: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// 0-based, below `count` (a Kubernetes Indexed Job's `JOB_COMPLETION_INDEX`).
    public let index: Int
    public let count: Int

    /// Most segments one run may be split into (each one is a process or a shard).
    public static let maxCount = 10_000

    /// The whole load in one process.
    public static let whole = ExecutionSegment(checkedIndex: 0, count: 1)

    private init(checkedIndex: Int, count: Int) { index = checkedIndex; self.count = count }

    /// Segment `index` of `count`; refuses an index outside `0..<count` or a count outside `1...maxCount`.
    public init(index: Int, count: Int) throws {
        guard count >= 1, count <= Self.maxCount else {
            throw SegmentError(message: "segment count \(count) is out of range (1 to \(Self.maxCount))")
        }
        guard index >= 0, index < count else {
            throw SegmentError(message: "segment index \(index) is out of range for \(count) segments (0 to \(count - 1); indexes start at 0, "
                               + "as JOB_COMPLETION_INDEX does)")
        }
        self.index = index
        self.count = count
    }

    /// Reads `i/n` (e.g. `0/3`), as `--segment` takes it.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0].trimmingCharacters(in: .whitespaces)),
              let n = Int(parts[1].trimmingCharacters(in: .whitespaces)) else {
            throw SegmentError(message: "segment \"\(text)\" is not of the form i/n (e.g. 0/3 for the first of three)")
        }
        try self.init(index: i, count: n)
    }

    /// Every segment of a run split `count` ways, in index order.
    public static func all(count: Int) throws -> [ExecutionSegment] {
        try (0..<max(count, 0)).map { try ExecutionSegment(index: $0, count: count) }
    }

    public var isWhole: Bool { count == 1 }

    /// `i/n`, as `--segment` reads it and summary.json records it.
    public var description: String { "\(index)/\(count)" }

    // MARK: shares of a count (VUs, slots, queue places)

    /// How many of `total` numbered things (0..<total) are this segment's: those `j` with `j mod count == index`.
    /// The shares of all segments add up to `total` for every `total`, and each grows by 0 or 1 as `total` grows by 1.
    public func share(of total: Int) -> Int {
        guard total > index else { return 0 }
        return (total - index - 1) / count + 1
    }

    /// True when thing number `j` of the whole (VU, arrival, trace line, sequence number) is this segment's.
    public func owns(_ j: Int) -> Bool { j >= 0 && j % count == index }

    /// The whole run's number for this segment's `local`-th thing: `index + local × count`. VU numbers and request
    /// sequence numbers written by a segment are these, so they are disjoint across segments and equal the single
    /// run's when nothing was dropped.
    public func global(_ local: Int) -> Int { index + local * count }

    // MARK: seeds

    /// A seed for a random stream that is this process's own (not keyed by a global number): the base seed itself
    /// for the whole run, so a single run is unchanged; a different, reproducible one for each segment otherwise.
    /// Streams keyed by the global sequence number (prompts, adapter picks) and the arrival schedule need none.
    public func seed(_ base: UInt64) -> UInt64 {
        guard count > 1 else { return base }
        var g = SplitMix64(seed: base, stream: 0x5E6_0000 &+ UInt64(count), index: UInt64(index))
        return g.next()
    }
}

/// A `--segment` that cannot be used, in words.
public struct SegmentError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public var description: String { message }
}

/// The arrivals of one segment: the whole schedule is drawn (same seed in every segment) and only the arrivals
/// this segment owns are kept, so the segments' arrivals are a partition of the single run's, gaps and ramps included.
struct SegmentArrivals: Sendable {
    private(set) var pacer: ArrivalPacer
    let segment: ExecutionSegment
    /// Arrivals of the whole schedule drawn so far.
    private(set) var drawn = 0

    init(pacer: ArrivalPacer, segment: ExecutionSegment) {
        self.pacer = pacer
        self.segment = segment
    }

    var rate: StageSchedule { pacer.rate }

    /// Microseconds from the window's start to this segment's next arrival; nil once the schedule has ended.
    mutating func next() -> UInt64? {
        while let t = pacer.next() {
            let k = drawn
            drawn += 1
            if segment.owns(k) { return t }
        }
        return nil
    }
}
