/// requests.jsonl (`run --jsonl`, k6's `--out json` habit): the requests.csv row of each request as one JSON object
/// per line, in the same column order, written as requests finish. Numeric columns are JSON numbers, text columns
/// strings, and an empty cell is `null`, so a reader's types never depend on what a run happened to contain.
public enum RequestsJSONL {
    /// The requests.csv columns whose cells are numbers (every other column is text).
    public static let numericColumns: Set = [
        "sequence", "vu", "stage", "cold", "intended_ms", "sent_ms", "ttft_ms", "ttft_intended_ms", "tpot_ms", "e2e_ms",
        "schedule_lag_ms", "output_tokens", "token_events", "input_words", "input_tokens", "max_new_tokens", "status",
        "connect_ms", "ttft_visible_ms", "implausible_server_tokens", "trace_line", "trace_offset_ms", "turn", "prefix_group",
        "prefix_first", "segment",
    ]

    /// One line (without its newline) from requests.csv's header and one row of it.
    public static func line(header: [String], row: [String]) -> String {
        var out = "{"
        for (i, (name, cell)) in zip(header, row).enumerated() {
            if i > 0 { out += "," }
            JSONEscape.append(name, to: &out)
            out += ":"
            if cell.isEmpty { out += "null" } else if numericColumns.contains(name) { out += cell } else { JSONEscape.append(cell, to: &out) }
        }
        return out + "}"
    }
}
