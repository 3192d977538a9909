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

    /// The row's cells as text (requests.jsonl is made from them).
    public static func row(_ r: RequestRecord, windowStartMicros: UInt64) -> [String] {
        var cells = CSVTextFields()
        write(r, windowStartMicros: windowStartMicros, to: &cells)
        return cells.cells
    }

    /// The row's fields, in `header`'s order, into `f` (the CSV file gets them as bytes, without a `[String]`).
    public static func write<F: CSVFields>(_ r: RequestRecord, windowStartMicros: UInt64, to f: inout F) {
        func offset(_ v: UInt64) {
            if v >= windowStartMicros { f.ms(v - windowStartMicros) } else { f.ms(windowStartMicros - v, negative: true) }
        }
        f.int(r.sequence); f.int(r.vu); f.int(r.stage); f.text(r.adapter); f.int(r.cold ? 1 : 0)
        offset(r.intendedMicros); offset(r.sentMicros)
        f.ms(r.ttftMicros); f.ms(r.ttftIntendedMicros); f.ms(r.tpotMicros); f.ms(r.e2eMicros); f.ms(r.scheduleLagMicros)
        f.int(r.outputTokens); f.text(r.outputTokensSource.rawValue); f.int(r.tokenEvents); f.int(r.inputWords)
        f.int(r.inputTokens); f.int(r.maxNewTokens); f.int(r.status); f.text(r.finishReason)
        f.text(r.errorClass?.rawValue); f.text(r.errorType); f.text(r.errorMessage); f.text(r.requestId); f.ms(r.connectMicros)
        f.ms(r.ttftVisibleMicros); f.text(r.clientRequestId); f.int(r.implausibleServerTokens)
        f.int(r.origin.line); f.ms(r.traceOffsetMicros); f.text(r.origin.session); f.int(r.origin.turn)
        f.int(r.origin.prefixGroup); f.int(r.origin.prefixFirst.map { $0 ? 1 : 0 })
        f.text(r.servedAdapter)
    }

    /// Microseconds as milliseconds with three decimals, without Foundation formatting on the hot path.
    public static func msText(_ micros: UInt64) -> String {
        var b: [UInt8] = []
        ASCIIDigits.appendMillis(micros, to: &b)
        return String(decoding: b, as: UTF8.self)
    }
}
