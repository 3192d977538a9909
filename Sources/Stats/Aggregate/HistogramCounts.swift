import Histogram

/// A `Histogram<UInt64>`'s counts array and the two numbers that map an index of it to a value, taken from the
/// library's own `Encodable` form (its synthesized keys `counts`, `subBucketHalfCountMagnitude`, `unitMagnitude`):
/// the array is shared, not copied. Why: the library's one public walk, `recordedValues()`, costs ~140 instructions
/// per index of the array (callgrind: ~1.4 M per walk of a histogram reaching 10 s, 225 walks in a run's finish, one
/// a second for the live TTFT median), while the array itself scans at a few instructions per index.
/// nil when the encoded form no longer carries these keys; the caller then walks `recordedValues()` instead.
struct HistogramCounts {
    let counts: [UInt64]
    let subBucketHalfCountMagnitude: Int
    let unitMagnitude: Int

    init?(_ h: Histogram<UInt64>) {
        let capture = CountsCapture()
        try? h.encode(to: capture)
        guard let counts = capture.counts, let m = capture.subBucketHalfCountMagnitude, let u = capture.unitMagnitude,
              m < 32, u < 64 else { return nil }
        self.counts = counts
        subBucketHalfCountMagnitude = m
        unitMagnitude = u
    }

    /// The lowest value counted at `index` (the library's `valueFromIndex`).
    func lowestValue(at index: Int) -> UInt64 {
        let half = 1 << subBucketHalfCountMagnitude
        var bucket = (index >> subBucketHalfCountMagnitude) - 1
        var sub = (index & (half - 1)) + half
        if bucket < 0 {
            sub -= half
            bucket = 0
        }
        return UInt64(sub) << (bucket + unitMagnitude)
    }
}

/// An `Encoder` that keeps the three values `HistogramCounts` needs and ignores every other key.
private final class CountsCapture: Encoder {
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]
    var counts: [UInt64]?
    var subBucketHalfCountMagnitude: Int?
    var unitMagnitude: Int?

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(Keyed<Key>(capture: self))
    }
    func unkeyedContainer() -> any UnkeyedEncodingContainer { Ignored(encoder: self) }
    func singleValueContainer() -> any SingleValueEncodingContainer { Ignored(encoder: self) }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let capture: CountsCapture
        var codingPath: [any CodingKey] { [] }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            switch key.stringValue {
            case "counts": capture.counts = value as? [UInt64]
            case "subBucketHalfCountMagnitude": capture.subBucketHalfCountMagnitude = (value as? UInt8).map(Int.init)
            case "unitMagnitude": capture.unitMagnitude = (value as? UInt8).map(Int.init)
            default: break
            }
        }
        mutating func encodeNil(forKey key: Key) throws {}
        // The typed overloads (`encode(_: UInt8, forKey:)`, …) are the standard library's, which call the generic one.
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            KeyedEncodingContainer(Keyed<NestedKey>(capture: CountsCapture()))
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { Ignored(encoder: CountsCapture()) }
        mutating func superEncoder() -> any Encoder { CountsCapture() }
        mutating func superEncoder(forKey key: Key) -> any Encoder { CountsCapture() }
    }

    /// Anything not under a key of the histogram itself: written nowhere.
    struct Ignored: UnkeyedEncodingContainer, SingleValueEncodingContainer {
        let encoder: CountsCapture
        var codingPath: [any CodingKey] { [] }
        var count: Int { 0 }

        mutating func encodeNil() throws {}
        mutating func encode<T: Encodable>(_ value: T) throws {}
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            KeyedEncodingContainer(Keyed<NestedKey>(capture: CountsCapture()))
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { Ignored(encoder: encoder) }
        mutating func superEncoder() -> any Encoder { CountsCapture() }
    }
}
