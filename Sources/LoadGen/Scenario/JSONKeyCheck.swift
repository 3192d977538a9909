/// What Foundation's JSON parser lets pass or reports badly in a scenario file: a key given twice in one object
/// (the parser keeps one silently) and nesting past its 512-level limit (it says only "not valid JSON").
enum JSONKeyCheck {
    /// The deepest nesting Foundation's parser accepts.
    static let maxDepth = 512

    struct Finding: Equatable {
        /// JSON path of the duplicated key, or of the value nested too deep.
        var path: String
        var message: String
    }

    /// The first duplicate key or over-deep nesting in `bytes`, read as JSON text; nil when there is none.
    /// Text that is not JSON is left to the parser (nothing is reported for it here unless it nests too deep).
    static func check(_ bytes: [UInt8]) -> Finding? {
        struct Level { var isObject: Bool; var keys: Set<[UInt8]> = []; var expectingKey = false; var key = ""; var index = 0 }
        var stack: [Level] = []
        func path() -> String {
            var p = ""
            for l in stack.dropLast() {
                if l.isObject { p += p.isEmpty ? l.key : "." + l.key } else { p += "[\(l.index)]" }
            }
            return p
        }
        var i = 0
        let n = bytes.count
        while i < n {
            let c = bytes[i]
            switch c {
            case 0x7B, 0x5B:  // { [
                stack.append(Level(isObject: c == 0x7B, expectingKey: c == 0x7B))
                if stack.count > maxDepth {
                    return Finding(path: path(), message: "nested deeper than \(maxDepth) levels, more than JSON parsers accept")
                }
            case 0x7D, 0x5D:  // } ]
                if !stack.isEmpty { stack.removeLast() }
            case 0x2C:  // ,
                if let last = stack.indices.last {
                    if stack[last].isObject { stack[last].expectingKey = true } else { stack[last].index += 1 }
                }
            case 0x3A:  // :
                if let last = stack.indices.last { stack[last].expectingKey = false }
            case 0x22:  // a string: find its end, skipping escapes
                var j = i + 1
                while j < n, bytes[j] != 0x22 { j += bytes[j] == 0x5C ? 2 : 1 }
                if let last = stack.indices.last, stack[last].isObject, stack[last].expectingKey, j <= n {
                    let key = Array(bytes[(i + 1)..<min(j, n)])
                    let name = String(decoding: key, as: UTF8.self)
                    if !stack[last].keys.insert(key).inserted {
                        let at = path()
                        return Finding(path: at.isEmpty ? name : at + "." + name,
                                       message: "given twice in one object; JSON keys must be unique (the parser would keep one silently)")
                    }
                    stack[last].key = name
                }
                i = j
            default: break
            }
            i += 1
        }
        return nil
    }
}
