/// The target's base URL as text: checked once at validation (so curl never sees a URL it cannot use), joined to
/// endpoint paths with its query kept after the path, and redacted wherever it is printed or written.
public enum TargetURL {
    /// Why `text` is not a usable http(s) base URL; nil when it is.
    public static func problem(_ text: String) -> String? {
        if text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) {
            return "contains a space or control character"
        }
        guard let parts = split(text) else { return "expected an http:// or https:// URL" }
        if text.contains("#") { return "has a fragment (#…), which is never sent; remove it" }
        var hostPort = Substring(parts.authority)
        if let at = hostPort.lastIndex(of: "@") { hostPort = hostPort[hostPort.index(after: at)...] }
        let host: Substring
        var port: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { return "has an IPv6 address without its closing \"]\"" }
            host = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return "has text after the IPv6 address that is not a port" }
                port = after.dropFirst()
            }
            if host.isEmpty || !host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) {
                return "has an IPv6 address \"[\(host)]\" that is not one"
            }
        } else {
            if let colon = hostPort.lastIndex(of: ":") {
                host = hostPort[..<colon]
                port = hostPort[hostPort.index(after: colon)...]
            } else {
                host = hostPort
            }
            if host.isEmpty { return "has no host" }
            if !host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_") }) {
                return "has a host \"\(host)\" with characters a host name cannot have"
            }
        }
        if let port {
            guard let n = Int(port), port.allSatisfy(\.isNumber), (1...65535).contains(n) else {
                return "has a port \"\(port)\"; expected a number from 1 to 65535"
            }
        }
        return nil
    }

    /// The base URL with trailing slashes of its path removed (its query kept as written).
    public static func normalized(_ text: String) -> String {
        let (base, query) = splitQuery(text)
        var b = Substring(base)
        while b.hasSuffix("/"), b.count > schemeLength(text) { b = b.dropLast() }
        return String(b) + (query.map { "?" + $0 } ?? "")
    }

    /// `base` with `path` ("/generate_stream", "/health") after its path and before its query.
    public static func join(_ base: String, _ path: String) -> String {
        let (b, query) = splitQuery(base)
        return b + path + (query.map { "?" + $0 } ?? "")
    }

    /// The URL as it may be printed and written: userinfo and every query value replaced by `***`.
    public static func redacted(_ text: String) -> String {
        guard let parts = split(text) else { return text }
        var authority = Substring(parts.authority)
        if let at = authority.lastIndex(of: "@") { authority = "***@" + authority[authority.index(after: at)...] }
        let (rest, query) = splitQuery(String(parts.rest))
        var out = parts.scheme + "://" + authority + rest
        if let query {
            out += "?" + query.split(separator: "&", omittingEmptySubsequences: false).map { item -> String in
                guard let eq = item.firstIndex(of: "=") else { return item.isEmpty ? "" : "***" }
                return item[..<eq] + "=***"
            }.joined(separator: "&")
        }
        return out
    }

    /// Redacts every http(s) URL inside a piece of text (messages that quote one).
    public static func redactingURLs(in text: String) -> String {
        guard text.contains("://") else { return text }
        return text.split(separator: " ", omittingEmptySubsequences: false).map { word -> String in
            guard let r = word.range(of: "http://") ?? word.range(of: "https://") else { return String(word) }
            let end = word[r.lowerBound...].firstIndex(where: { $0 == "\"" || $0 == ")" || $0 == "," }) ?? word.endIndex
            return word[..<r.lowerBound] + redacted(String(word[r.lowerBound..<end])) + word[end...]
        }.joined(separator: " ")
    }

    private static func schemeLength(_ text: String) -> Int {
        text.lowercased().hasPrefix("https://") ? 8 : 7
    }

    /// Scheme, authority (userinfo and host:port) and the rest (path, query, fragment); nil when not http(s).
    private static func split(_ text: String) -> (scheme: String, authority: String, rest: Substring)? {
        let lower = text.lowercased()
        let scheme: String
        if lower.hasPrefix("http://") { scheme = String(text.prefix(4)) } else if lower.hasPrefix("https://") { scheme = String(text.prefix(5)) } else { return nil }
        let after = text.dropFirst(scheme.count + 3)
        let end = after.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? after.endIndex
        return (scheme, String(after[..<end]), after[end...])
    }

    /// The URL before its first `?` and the query after it (nil when there is none).
    private static func splitQuery(_ text: String) -> (String, String?) {
        guard let q = text.firstIndex(of: "?") else { return (text, nil) }
        return (String(text[..<q]), String(text[text.index(after: q)...]))
    }
}
