/// The simulator's model of a prefix (KV) cache, an assumption rather than a copy of any server: a prompt is
/// cut into blocks of `prefix_block_words` words, each block named by a hash of its bytes chained with the
/// blocks before it, and each adapter keeps the `prefix_cache_blocks` blocks it saw last (LRU). A request's
/// leading blocks found in its adapter's cache are not prefilled again. Keyed by adapter because vLLM and LoRAX
/// key theirs by adapter: the same prefix sent to two adapters is two entries.
///
/// Threading: engine-loop confined (one per replica).
struct PrefixCache {
    let capacity: Int
    private var perAdapter: [String: AdapterBlocks] = [:]

    init(capacity: Int) { self.capacity = capacity }

    /// Looks `blocks` up for `adapter` (how many leading blocks were cached) and then remembers all of them.
    mutating func admit(adapter: String, blocks: [UInt64]) -> Int {
        guard capacity > 0, !blocks.isEmpty else { return 0 }
        var a = perAdapter[adapter] ?? AdapterBlocks()
        perAdapter[adapter] = nil  // keep the value uniquely referenced while it changes
        var hits = 0
        while hits < blocks.count, a.contains(blocks[hits]) { hits += 1 }
        for b in blocks { a.touch(b, capacity: capacity) }
        perAdapter[adapter] = a
        return hits
    }

    /// One adapter's blocks with their last use; eviction pops the oldest use (stale queue entries are skipped).
    struct AdapterBlocks {
        private var lastUse: [UInt64: UInt64] = [:]
        private var order: [(block: UInt64, use: UInt64)] = []
        private var head = 0
        private var clock: UInt64 = 0

        func contains(_ b: UInt64) -> Bool { lastUse[b] != nil }

        mutating func touch(_ b: UInt64, capacity: Int) {
            clock += 1
            lastUse[b] = clock
            order.append((b, clock))
            while lastUse.count > capacity, head < order.count {
                let (old, use) = order[head]
                head += 1
                if lastUse[old] == use { lastUse[old] = nil }
            }
            if head > 1024, head * 2 > order.count { order.removeFirst(head); head = 0 }
            // Stale entries (blocks touched again later) would otherwise pile up under a hot prefix.
            if order.count - head > 4 * capacity + 64 {
                order = order[head...].filter { lastUse[$0.block] == $0.use }
                head = 0
            }
        }
    }

    /// Block hashes of `text`: FNV-1a over each block's words (single-space joined), chained with the previous block's hash.
    static func blocks(of text: String, blockWords: Int) -> [UInt64] {
        var out: [UInt64] = []
        var chain: UInt64 = 0xcbf2_9ce4_8422_2325
        var h = chain
        var words = 0, inWord = false
        for b in text.utf8 {
            let ws = b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09
            if ws {
                if inWord {
                    inWord = false
                    words += 1
                    if words == blockWords {
                        chain = (chain ^ h) &* 0x100_0000_01b3 ^ (chain >> 29)
                        out.append(chain)
                        h = 0xcbf2_9ce4_8422_2325
                        words = 0
                    } else {
                        h = (h ^ 0x20) &* 0x100_0000_01b3
                    }
                }
                continue
            }
            inWord = true
            h = (h ^ UInt64(b)) &* 0x100_0000_01b3
        }
        if inWord { words += 1 }
        if words == blockWords { chain = (chain ^ h) &* 0x100_0000_01b3 ^ (chain >> 29); out.append(chain) }
        return out
    }
}
