import Dispatch
import Stats

/// Many timed wake-ups (think times, arrivals) on one loop timer: a min-heap of deadlines in monotonic
/// microseconds, so thousands of VUs cost one timer and fire on time.
/// Threading: confined to `loop`.
final class WakeQueue: WakeScheduling, @unchecked Sendable {  // @unchecked: all state confined to `loop`.
    private struct Entry { var at: UInt64; var seq: UInt64; var action: () -> Void }
    private let loop: TransportLoop
    private let clock: RunClock
    private var heap: [Entry] = []
    private var counter: UInt64 = 0
    private var timer: LoopTimer?
    private var armedFor: UInt64 = .max

    init(loop: TransportLoop, clock: RunClock) {
        self.loop = loop
        self.clock = clock
    }

    var count: Int { heap.count }

    /// Runs `action` on the loop at monotonic time `at` (or at once if that has passed).
    func schedule(at: UInt64, _ action: @escaping () -> Void) {
        loop.assertOnLoop()
        counter += 1
        heap.append(Entry(at: at, seq: counter, action: action))
        siftUp(heap.count - 1)
        arm()
    }

    /// Drops every pending wake-up.
    func cancelAll() {
        heap.removeAll()
        timer?.cancel(); timer = nil; armedFor = .max
    }

    private func arm() {
        guard let first = heap.first else { return }
        guard first.at < armedFor else { return }
        armedFor = first.at
        if timer == nil { timer = loop.makeTimer { [unowned self] in self.fire() } }
        timer!.schedule(atMicros: first.at)
    }

    private func fire() {
        armedFor = .max
        let now = clock.nowMicros()
        while let first = heap.first, first.at <= now + 50 {
            pop()
            first.action()
        }
        arm()
    }

    private func pop() {
        heap.swapAt(0, heap.count - 1)
        heap.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < heap.count && less(heap[l], heap[m]) { m = l }
            if r < heap.count && less(heap[r], heap[m]) { m = r }
            if m == i { return }
            heap.swapAt(i, m); i = m
        }
    }

    private func siftUp(_ j: Int) {
        var i = j
        while i > 0 {
            let p = (i - 1) / 2
            if !less(heap[i], heap[p]) { return }
            heap.swapAt(i, p); i = p
        }
    }

    private func less(_ a: Entry, _ b: Entry) -> Bool { a.at < b.at || (a.at == b.at && a.seq < b.seq) }
}
