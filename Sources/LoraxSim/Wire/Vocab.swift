import Stats
import NIOCore

/// The simulator's vocabulary with every per-token event pre-encoded.
///
/// Why: the per-token path must not run a JSON encoder or allocate; writing a pre-built,
/// immutable `ByteBuffer` (copy-on-write, shared by all channels) costs a retain. Immutable after
/// init, so it is Sendable.
struct Vocab: Sendable {
    /// One word: token id, JSON-escaped text (without quotes) and a fixed logprob literal.
    struct Word: Sendable {
        var id: Int
        var text: String
        var escaped: String
        var logprob: String
    }

    let words: [Word]
    /// Words drawn at random for ordinary answers: the fixed list only, so answer-key words never change what
    /// a seed draws.
    let randomCount: Int
    /// `data: {"token":…,"generated_text":null,"details":null}\n\n` per word, already framed as one HTTP/1.1 chunk.
    let nativeEvents: [ByteBuffer]
    /// A non-final chat chunk per word.
    let chatEvents: [ByteBuffer]
    /// A non-final completions chunk per word.
    let completionEvents: [ByteBuffer]
    /// `{"id":2,"text":"</s>","logprob":-0.01,"special":true,"skipped":false}`.
    static let eosTokenJSON = #"{"id":2,"text":"</s>","logprob":-0.01,"special":true,"skipped":false}"#

    /// The fixed list plus `extraWords` (answer-key tokens), each pre-encoded like the rest.
    init(extraWords: [String] = []) {
        // A fixed list; a few entries exercise JSON escaping (quote, backslash, newline, non-ASCII).
        let base = """
        the of and to in is that it was for on are as with his they at be this have from or one had by word but not \
        what all were we when your can said there use an each which she do how their if will up other about out many \
        then them these so some her would make like him into time has look two more write go see number no way could \
        people my than first water been call who oil its now find long down day did get come made may part over new \
        sound take only little work know place year live me back give most very after thing our just name good sentence \
        man think say great where help through much before line right too mean old any same tell boy follow came want \
        show also around form three small set put end does another well large must big even such because turn here why \
        ask went men read need land different home us move try kind hand picture again change off play spell air away \
        animal house point page letter mother answer found study still learn should America world high every near add \
        food between own below country plant last school father keep tree never start city earth eye light thought head \
        under story saw left few while along might close something seem next hard open example begin life always those
        """
        var texts = base.split(separator: " ").map { " " + $0 }
        texts += [" \"quoted\"", " back\\slash", "\n", " café", " naïve", " 東京", ".", ",", " tab\there"]
        randomCount = texts.count
        texts += extraWords
        var words: [Word] = []
        let allocator = ByteBufferAllocator()
        var native: [ByteBuffer] = [], chat: [ByteBuffer] = [], compl: [ByteBuffer] = []
        for (i, t) in texts.enumerated() {
            var esc = JSONEscape.quoted(t)
            esc.removeFirst(); esc.removeLast()
            let lp = "-\(Double(i % 97 + 1) / 100)"
            let w = Word(id: 1000 + i, text: t, escaped: esc, logprob: lp)
            words.append(w)
            native.append(Vocab.chunkFramed("data: {\"token\":\(Vocab.tokenJSON(w)),\"generated_text\":null,\"details\":null}\n\n", allocator))
            chat.append(Vocab.chunkFramed("data: \(Vocab.chatChunk(content: esc, finish: nil, usage: nil))\n\n", allocator))
            compl.append(Vocab.chunkFramed("data: \(Vocab.completionChunk(text: esc, finish: nil, usage: (0, 0)))\n\n", allocator))
        }
        self.words = words
        nativeEvents = native
        chatEvents = chat
        completionEvents = compl
    }

    /// `s` framed as one HTTP/1.1 chunk (`<hex len>\r\n<s>\r\n`), so it can bypass the HTTP encoder.
    static func chunkFramed(_ s: String, _ allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        let n = s.utf8.count
        return allocator.buffer(string: String(n, radix: 16) + "\r\n" + s + "\r\n")
    }

    /// LoRAX `Token` JSON (fields in LoRAX's order).
    static func tokenJSON(_ w: Word) -> String {
        "{\"id\":\(w.id),\"text\":\"\(w.escaped)\",\"logprob\":\(w.logprob),\"special\":false,\"skipped\":false}"
    }

    /// A chat stream chunk; `content` is already escaped; nil content gives an empty delta `{}` (EOS).
    static func chatChunk(content: String?, finish: String?, usage: (prompt: Int, completion: Int)?) -> String {
        var s = #"{"id":"null","object":"chat.completion.chunk","created":0,"model":"null","choices":[{"index":0,"delta":"#
        if let c = content { s += #"{"role":"assistant","content":""# + c + "\"}" } else { s += "{}" }
        s += ",\"finish_reason\":" + (finish.map { "\"\($0)\"" } ?? "null") + "}]"
        if let u = usage { s += ",\"usage\":" + usageJSON(u.prompt, u.completion) }
        return s + "}"
    }

    /// A completions stream chunk; `text` is already escaped; usage is on every chunk (zeros until the last).
    static func completionChunk(text: String, finish: String?, usage: (prompt: Int, completion: Int)) -> String {
        #"{"id":"null","object":"text_completion","created":0,"model":"null","choices":[{"index":0,"text":""# + text
            + #"","logprobs":null,"finish_reason":"# + (finish.map { "\"\($0)\"" } ?? "null") + "}],\"usage\":"
            + usageJSON(usage.prompt, usage.completion) + "}"
    }

    /// OpenAI usage object in LoRAX's field order.
    static func usageJSON(_ p: Int, _ c: Int) -> String {
        "{\"prompt_tokens\":\(p),\"total_tokens\":\(p + c),\"completion_tokens\":\(c)}"
    }
}
