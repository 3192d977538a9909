import Foundation

/// A trace file read one line at a time while the run goes: the executor asks for arrival times, the factory
/// takes the arrival's line when it is sent. Only arrivals that are due but not yet sent (waiting for a slot)
/// are held, so a trace of any length costs the same memory. Used on the transport queue; locked for `Sendable`.
public final class TraceReplay: @unchecked Sendable {  // @unchecked: every field below is guarded by `lock`.
    public let setting: Scenario.Workload.Trace
    private let lock = NSLock()
    private let reader: LineReader
    private var header: [String] = []
    private var firstTimestamp: Int64?
    /// Arrivals handed to the executor and not yet taken, oldest first.
    private var pending: [(arrival: Int, entry: TraceEntry)] = []
    private var pendingHead = 0
    private var arrivals = 0
    private var ended = false
    /// Most arrivals held at once (for the memory test).
    public private(set) var maxPending = 0
    /// Why the replay ended before the file did (the file changed since validation), if it did.
    public private(set) var failure: String?

    public init(_ setting: Scenario.Workload.Trace) throws {
        self.setting = setting
        do { reader = try LineReader(path: setting.file) } catch let f as LineReader.Failure {
            throw RunError.output("trace \(setting.file) \(f.message)")
        }
    }

    /// Microseconds from the window start to the next arrival (the trace's offset divided by `speed`); nil at the
    /// end of the file or past `limitMicros`.
    public func nextOffset(limitMicros: UInt64) -> UInt64? {
        lock.withLock {
            guard !ended else { return nil }
            do {
                while let text = try reader.next() {
                    if text.allSatisfy({ $0.isWhitespace }) { continue }
                    if setting.format.hasHeader && header.isEmpty {
                        header = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                        continue
                    }
                    let e = try setting.format.parse(text, line: reader.lineNumber, header: header, adapterColumn: setting.adapterColumn)
                    let first = firstTimestamp ?? e.timestampMicros
                    firstTimestamp = first
                    let offset = setting.scaled(e.timestampMicros - first)
                    guard offset < limitMicros else { ended = true; return nil }
                    pending.append((arrivals, e))
                    arrivals += 1
                    maxPending = max(maxPending, pending.count - pendingHead)
                    return offset
                }
            } catch let e as TraceLineError {
                failure = "\(setting.file):\(reader.lineNumber): \(e.message) (the file changed since it was checked?)"
            } catch let f as LineReader.Failure {
                failure = "\(setting.file) \(f.message)"
            } catch {
                failure = "\(setting.file): \(error)"
            }
            ended = true
            return nil
        }
    }

    /// Arrival `arrival`'s line with its scaled offset; arrivals before it that were never sent (dropped) are let go.
    public func take(arrival: Int) -> (entry: TraceEntry, offsetMicros: UInt64)? {
        lock.withLock {
            while pendingHead < pending.count, pending[pendingHead].arrival < arrival { pendingHead += 1 }
            guard pendingHead < pending.count, pending[pendingHead].arrival == arrival else { return nil }
            let e = pending[pendingHead].entry
            pendingHead += 1
            if pendingHead > 256, pendingHead * 2 > pending.count { pending.removeFirst(pendingHead); pendingHead = 0 }
            return (e, setting.scaled(e.timestampMicros - (firstTimestamp ?? e.timestampMicros)))
        }
    }
}

/// The executor's view of a trace: its arrival times, all in stage 0.
struct TraceArrivals: ArrivalTimes {
    let replay: TraceReplay
    let limitMicros: UInt64

    mutating func next() -> UInt64? { replay.nextOffset(limitMicros: limitMicros) }
    func stage(atElapsed elapsed: UInt64) -> Int { 0 }
}
