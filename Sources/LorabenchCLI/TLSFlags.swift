/// `--insecure` and `--ca-file` as scenario overrides, so they are validated and recorded like any other field.
enum TLSFlags {
    static func overrides(insecure: Bool, caFile: String?) -> [String] {
        var out: [String] = []
        if insecure { out.append("target.insecure=true") }
        if let caFile { out.append("target.ca_file=" + caFile) }
        return out
    }
}
