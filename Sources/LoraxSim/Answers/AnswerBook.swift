import Quality

/// The simulator's answer keys, ready for the request path: a prompt's hash finds its task row, and each adapter
/// named in the key answers that row right or wrong so that, over any stretch of rows, its share of right answers
/// is its configured accuracy (a low-discrepancy sequence, not a coin: a few hundred rows land within a point).
/// Answers are word lists appended to the vocabulary at start-up, so they stream like any other tokens.
/// Immutable after init, so `Sendable`.
struct AnswerBook: Sendable {
    struct Row: Sendable {
        var key: Int
        var item: Int
    }

    /// Token texts the answers need, appended to the vocabulary after its own words.
    let extraWords: [String]
    private let rows: [UInt64: Row]
    /// right[key][item] / wrong[key][item]: indexes into `extraWords`.
    private let right: [[[Int]]]
    private let wrong: [[[Int]]]
    private let accuracy: [[String: Double]]
    /// Every adapter a key names, sorted: the wrong-adapter fault answers as the next one.
    let adapters: [String]

    static let empty = AnswerBook()

    private init() {
        extraWords = []; rows = [:]; right = []; wrong = []; accuracy = []; adapters = []
    }

    /// Reads every key's task; the error names the key.
    init(keys: [SimAnswerKey]) throws(AnswerBookError) {
        var words: [String] = [], index: [String: Int] = [:]
        func encode(_ text: String) -> [Int] {
            text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).enumerated().map { i, w in
                let token = i == 0 ? String(w) : " " + w
                if let k = index[token] { return k }
                index[token] = words.count
                words.append(token)
                return words.count - 1
            }
        }
        var rows: [UInt64: Row] = [:], right: [[[Int]]] = [], wrong: [[[Int]]] = []
        for (k, key) in keys.enumerated() {
            let task: EvalTask
            do { task = try EvalTask.load(folder: key.task) } catch {
                throw AnswerBookError(path: "answer_keys[\(k)].task", message: "\(error)")
            }
            var r: [[Int]] = [], w: [[Int]] = []
            for (i, item) in task.items.enumerated() {
                let h = Self.hash(item.prompt)
                if rows[h] == nil { rows[h] = Row(key: k, item: i) }
                r.append(encode(item.reference))
                w.append(encode(Self.wrongAnswer(task, item: i)))
            }
            right.append(r); wrong.append(w)
        }
        guard words.count < 60_000 else {
            throw AnswerBookError(path: "answer_keys", message: "the answers need \(words.count) distinct words; at most 60000 fit the vocabulary")
        }
        extraWords = words
        self.rows = rows
        self.right = right
        self.wrong = wrong
        accuracy = keys.map(\.accuracy)
        adapters = Set(keys.flatMap { $0.accuracy.keys }).sorted()
    }

    /// A wrong answer to row `i`: another label for classification tasks, another row's reference otherwise.
    static func wrongAnswer(_ task: EvalTask, item i: Int) -> String {
        let ref = TextNormalization.normalize(task.items[i].reference)
        let others = task.labels.filter { TextNormalization.normalize($0) != ref }
        if !others.isEmpty && task.labels.count <= 50 { return others[i % others.count] }
        let next = task.items[(i + 1) % task.items.count].reference
        return TextNormalization.normalize(next) == ref ? "unknown" : next
    }

    /// The answer `adapter` gives to the prompt with `promptHash`, as indexes into `extraWords`; nil when no key
    /// has the prompt or the key does not name the adapter.
    func answer(promptHash: UInt64, adapter: String) -> [Int]? {
        guard let row = rows[promptHash], let acc = accuracy[row.key][adapter] else { return nil }
        return Self.isRight(item: row.item, adapter: adapter, accuracy: acc) ? right[row.key][row.item] : wrong[row.key][row.item]
    }

    /// Whether `answer(promptHash:adapter:)` gives the right answer; nil when it gives none.
    func isRight(promptHash: UInt64, adapter: String) -> Bool? {
        guard let row = rows[promptHash], let acc = accuracy[row.key][adapter] else { return nil }
        return Self.isRight(item: row.item, adapter: adapter, accuracy: acc)
    }

    /// Row `item` is answered right when the golden-ratio sequence, shifted per adapter, falls below the accuracy.
    static func isRight(item: Int, adapter: String, accuracy: Double) -> Bool {
        let shift = Double(hash(adapter) >> 11) / Double(1 << 53)
        let u = (Double(item + 1) * 0.618_033_988_749_894_9 + shift).truncatingRemainder(dividingBy: 1)
        return u < accuracy
    }

    /// The adapter the wrong-adapter fault answers as: `configured` when set, else the next adapter a key names
    /// (after `adapter` in sorted order, wrapping), else a made-up one.
    func other(than adapter: String, configured: String?) -> String {
        if let c = configured, c != adapter { return c }
        let candidates = adapters.filter { $0 != adapter }
        guard !candidates.isEmpty else { return adapter == "sim/other-adapter" ? "sim/another-adapter" : "sim/other-adapter" }
        return candidates.first { $0 > adapter } ?? candidates[0]
    }

    /// FNV-1a of the prompt's UTF-8 bytes with surrounding whitespace trimmed (the chat route joins messages with a space).
    static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        let u = Array(text.utf8)
        var lo = 0, hi = u.count
        func ws(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }
        while lo < hi, ws(u[lo]) { lo += 1 }
        while hi > lo, ws(u[hi - 1]) { hi -= 1 }
        for c in u[lo..<hi] { h = (h ^ UInt64(c)) &* 0x0000_0100_0000_01B3 }
        return h
    }
}

/// An answer key that cannot be used.
struct AnswerBookError: Error {
    var path: String
    var message: String
}
