/// Reads CSV as RFC 4180 has it: records separated by CRLF (or a bare LF), fields by commas,
/// a field in double quotes may hold commas, line breaks and doubled quotes (`""` for `"`).
/// A UTF-8 byte order mark at the start is skipped, blank lines are skipped, and every field
/// must be valid UTF-8.
///
/// Bounded like everything that takes outside input: a record longer than `recordBytesMax` or
/// with more than `fieldsMax` fields is refused rather than read into memory without end.
/// After a refusal, `skipRecord()` moves to the next line so that a caller can go on and report
/// every bad line of a file at once.
public struct CSVReader: Sendable {
    /// The bounds on one record.
    public struct Limits: Hashable, Sendable {
        /// Most bytes one record (its line, or lines when a quoted field spans several) may take.
        public var recordBytesMax: Int = 64 << 10
        /// Most fields one record may have.
        public var fieldsMax: Int = 64

        /// The defaults.
        public init() {}
    }

    /// One record: its fields and the line it starts on (from 1).
    public struct Record: Hashable, Sendable {
        /// The line the record starts on, from 1.
        public var line: Int
        /// The fields, unquoted.
        public var fields: [String]

        /// A record.
        public init(line: Int, fields: [String]) {
            self.line = line
            self.fields = fields
        }
    }

    /// Why a record could not be read; `line` is where the problem is.
    public struct Problem: Error, Hashable, Sendable, CustomStringConvertible {
        /// Line, from 1.
        public var line: Int
        /// What is wrong.
        public var message: String

        /// `line N: message`.
        public var description: String { "line \(line): \(message)" }
    }

    private let bytes: [UInt8]
    private let limits: Limits
    private var position = 0
    private var line = 1

    /// A reader over the whole text of a file.
    public init(_ bytes: [UInt8], limits: Limits = Limits()) {
        self.bytes = bytes
        self.limits = limits
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
    }

    private static let quote: UInt8 = 0x22, comma: UInt8 = 0x2C, cr: UInt8 = 0x0D, lf: UInt8 = 0x0A

    /// The next record, or nil at the end of the text.
    public mutating func next() throws(Problem) -> Record? {
        while position < bytes.count, isLineEnd(at: position) { consumeLineEnd() }
        guard position < bytes.count else { return nil }
        let start = position
        let startLine = line
        var fields: [String] = []
        while true {
            guard fields.count < limits.fieldsMax else {
                throw Problem(line: startLine, message: "more than \(limits.fieldsMax) fields")
            }
            let field = try readField(recordStart: start, startLine: startLine)
            fields.append(field)
            if position >= bytes.count { break }
            if bytes[position] == CSVReader.comma {
                position += 1
                continue
            }
            consumeLineEnd()
            break
        }
        return Record(line: startLine, fields: fields)
    }

    /// Skips to the start of the next line (after a refused record).
    public mutating func skipRecord() {
        while position < bytes.count, !isLineEnd(at: position) { position += 1 }
        if position < bytes.count { consumeLineEnd() }
    }

    private func isLineEnd(at index: Int) -> Bool {
        bytes[index] == CSVReader.lf || (bytes[index] == CSVReader.cr && index + 1 < bytes.count && bytes[index + 1] == CSVReader.lf)
    }

    private mutating func consumeLineEnd() {
        position += bytes[position] == CSVReader.cr ? 2 : 1
        line += 1
    }

    private mutating func readField(recordStart: Int, startLine: Int) throws(Problem) -> String {
        var content: [UInt8] = []
        if position < bytes.count, bytes[position] == CSVReader.quote {
            let openedOn = line
            position += 1
            while true {
                guard position < bytes.count else {
                    throw Problem(line: openedOn, message: "a quoted field is not closed before the end of the file")
                }
                try checkLength(recordStart, startLine)
                let byte = bytes[position]
                if byte == CSVReader.quote {
                    if position + 1 < bytes.count, bytes[position + 1] == CSVReader.quote {
                        content.append(CSVReader.quote)
                        position += 2
                        continue
                    }
                    position += 1
                    break
                }
                if byte == CSVReader.lf { line += 1 }
                content.append(byte)
                position += 1
            }
            guard position >= bytes.count || bytes[position] == CSVReader.comma || isLineEnd(at: position) else {
                throw Problem(line: line, message: "text after the closing quote of a field (a quote inside a field is written \"\")")
            }
        } else {
            while position < bytes.count {
                let byte = bytes[position]
                if byte == CSVReader.comma || isLineEnd(at: position) { break }
                guard byte != CSVReader.quote else {
                    throw Problem(line: line, message: "a quote inside a field that does not start with one (quote the whole field and double the quote)")
                }
                guard byte != CSVReader.cr else { throw Problem(line: line, message: "a carriage return that does not end a line") }
                try checkLength(recordStart, startLine)
                content.append(byte)
                position += 1
            }
        }
        guard let text = String(validating: content, as: UTF8.self) else {
            throw Problem(line: line, message: "a field that is not valid UTF-8 (save the file as UTF-8)")
        }
        return text
    }

    private func checkLength(_ recordStart: Int, _ startLine: Int) throws(Problem) {
        guard position - recordStart < limits.recordBytesMax else {
            throw Problem(line: startLine, message: "a record longer than \(limits.recordBytesMax) bytes (an unclosed quote makes one)")
        }
    }
}
