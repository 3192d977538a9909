/// The columns of requests.csv: one row per request, times in milliseconds (offsets from the window start).
public enum RequestsCSV {
    public static let header = [
        "sequence", "vu", "stage", "adapter", "cold", "intended_ms", "sent_ms", "ttft_ms", "ttft_intended_ms", "tpot_ms", "e2e_ms",
        "schedule_lag_ms", "output_tokens", "output_tokens_source", "token_events", "input_words", "input_tokens",
        "max_new_tokens", "status", "finish_reason", "error_class", "error_type", "error_message", "request_id", "connect_ms",
        "ttft_visible_ms", "client_request_id", "implausible_server_tokens",
        "trace_line", "trace_offset_ms", "session", "turn", "prefix_group", "prefix_first",
        "served_adapter",
    ]

    public static func row(_ r: RequestRecord, windowStartMicros: UInt64) -> [String] {
        func ms(_ v: UInt64?) -> String { v.map { msText($0) } ?? "" }
        func offset(_ v: UInt64) -> String { v >= windowStartMicros ? msText(v - windowStartMicros) : "-" + msText(windowStartMicros - v) }
        return [
            String(r.sequence), String(r.vu), String(r.stage), r.adapter, r.cold ? "1" : "0", offset(r.intendedMicros), offset(r.sentMicros),
            ms(r.ttftMicros), ms(r.ttftIntendedMicros), ms(r.tpotMicros), ms(r.e2eMicros), ms(r.scheduleLagMicros),
            String(r.outputTokens), r.outputTokensSource.rawValue, String(r.tokenEvents), String(r.inputWords),
            r.inputTokens.map(String.init) ?? "", String(r.maxNewTokens), String(r.status), r.finishReason ?? "",
            r.errorClass?.rawValue ?? "", r.errorType ?? "", r.errorMessage ?? "", r.requestId ?? "", msText(r.connectMicros),
            ms(r.ttftVisibleMicros), r.clientRequestId ?? "", r.implausibleServerTokens.map(String.init) ?? "",
            r.origin.line.map(String.init) ?? "", ms(r.traceOffsetMicros), r.origin.session ?? "", r.origin.turn.map(String.init) ?? "",
            r.origin.prefixGroup.map(String.init) ?? "", r.origin.prefixFirst.map { $0 ? "1" : "0" } ?? "",
            r.servedAdapter ?? "",
        ]
    }

    /// Microseconds as milliseconds with three decimals, without Foundation formatting on the hot path.
    public static func msText(_ micros: UInt64) -> String {
        let frac = micros % 1000
        let f = frac < 10 ? "00\(frac)" : (frac < 100 ? "0\(frac)" : "\(frac)")
        return "\(micros / 1000).\(f)"
    }
}
