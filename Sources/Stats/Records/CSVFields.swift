/// Where a CSV row's fields go, so one description of a row (`RequestsCSV.write`) serves both the bytes written to
/// the file (`CSVRow`) and the cells other formats are made from (`CSVTextFields`: requests.jsonl, tests).
public protocol CSVFields {
    mutating func text(_ s: String)
    mutating func empty()
    mutating func int(_ v: Int)
    /// Microseconds as milliseconds with three decimals, `-` first when `negative`.
    mutating func ms(_ micros: UInt64, negative: Bool)
}

extension CSVFields {
    public mutating func text(_ s: String?) { if let s { text(s) } else { empty() } }
    public mutating func int(_ v: Int?) { if let v { int(v) } else { empty() } }
    public mutating func ms(_ micros: UInt64) { ms(micros, negative: false) }
    public mutating func ms(_ micros: UInt64?) { if let micros { ms(micros, negative: false) } else { empty() } }
}

/// The fields as unescaped strings.
public struct CSVTextFields: CSVFields {
    public private(set) var cells: [String] = []

    public init() {}

    public mutating func text(_ s: String) { cells.append(s) }
    public mutating func empty() { cells.append("") }
    public mutating func int(_ v: Int) { cells.append(String(v)) }
    public mutating func ms(_ micros: UInt64, negative: Bool) { cells.append((negative ? "-" : "") + RequestsCSV.msText(micros)) }
}
