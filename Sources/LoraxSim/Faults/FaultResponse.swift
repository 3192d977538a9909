import NIOCore
import NIOHTTP1

/// What each fault looks like to the client and in the ground truth (docs/simulator.md, "Faults").
extension SimFaultKind {
    /// The status the ground truth records when this mid-stream fault ends a request: 200 once a
    /// stream's head went out; without a stream, 424 for `stream_error` and 0 (no response) for
    /// `disconnect` and `incomplete`.
    func recordedStatus(stream: Bool) -> Int {
        switch (stream, self) {
        case (false, .streamError): return 424
        case (false, .disconnect), (false, .incomplete): return 0
        default: return 200
        }
    }

    /// The error_type sent with this fault, if any.
    var errorType: String? { self == .streamError ? "generation" : nil }
}

extension ResponseFormat {
    private static let brokenEvent = ByteBuffer(string: "data: {broken\n\n")

    /// The answer to a request whose drawn fault is `http_error`: 503 JSON before any stream.
    func writeUnavailable(_ spec: GenerationSpec, to sink: ResponseSink) {
        sink.sinkRespond(status: .serviceUnavailable, headers: jsonHeaders(spec),
                         body: LoraxError.json("Service Unavailable: simulated fault", "unavailable"))
    }

    /// Ends `r` the way its mid-stream fault `f` does, on a stream or a complete answer.
    func writeFault(_ f: SimFaultKind, for r: SimRequest, to sink: ResponseSink?) {
        if r.spec.stream {
            switch f {
            case .streamError:
                sink?.sinkWrite(ByteBuffer(string: LoraxError.event(LoraxError.generationFault, "generation")))
                sink?.sinkEnd()
            case .disconnect: sink?.sinkReset()
            case .incomplete: sink?.sinkEnd()
            case .malformed:
                sink?.sinkWrite(ResponseFormat.brokenEvent)
                sink?.sinkEnd()
            case .httpError, .stall, .wrongAdapter: break
            }
        } else {
            switch f {
            case .streamError:
                sink?.sinkRespond(status: .failedDependency, headers: jsonHeaders(r.spec), body: LoraxError.json(LoraxError.generationFault, "generation"))
            case .disconnect: sink?.sinkReset()
            case .incomplete: sink?.sinkClose()
            case .malformed: sink?.sinkRespond(status: .ok, headers: jsonHeaders(r.spec), body: "{broken")
            case .httpError, .stall, .wrongAdapter: break
            }
        }
    }
}
