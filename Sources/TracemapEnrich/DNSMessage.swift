/// Why bytes are not a DNS message tracemap can read or write.
public enum DNSWireError: Error, Sendable, Hashable {
    /// The message ends inside a field that starts at this offset.
    case truncated(offset: Int)
    /// A label longer than 63 bytes, or an empty label inside a name (RFC 1035 §2.3.4).
    case badLabel(String)
    /// A name longer than 255 bytes on the wire (RFC 1035 §2.3.4).
    case nameTooLong
    /// A compression pointer that does not point back to an earlier label (RFC 1035 §4.1.4), or a reserved label
    /// type (0b01, 0b10).
    case badPointer(offset: Int)
    /// A TXT character-string longer than 255 bytes.
    case stringTooLong
    /// A record's data does not fill exactly its RDLENGTH.
    case badRecordData(offset: Int)
}

/// A DNS record type (RFC 1035 §3.2.2); any 16-bit value is representable.
public struct DNSRecordType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let a = DNSRecordType(rawValue: 1)
    public static let cname = DNSRecordType(rawValue: 5)
    public static let soa = DNSRecordType(rawValue: 6)
    public static let ptr = DNSRecordType(rawValue: 12)
    public static let txt = DNSRecordType(rawValue: 16)
    public static let aaaa = DNSRecordType(rawValue: 28)

    public var description: String {
        switch self {
        case .a: "A"
        case .cname: "CNAME"
        case .soa: "SOA"
        case .ptr: "PTR"
        case .txt: "TXT"
        case .aaaa: "AAAA"
        default: "TYPE\(rawValue)"
        }
    }
}

/// A response code (RFC 1035 §4.1.1).
public struct DNSResponseCode: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let noError = DNSResponseCode(rawValue: 0)
    public static let formatError = DNSResponseCode(rawValue: 1)
    public static let serverFailure = DNSResponseCode(rawValue: 2)
    public static let nameError = DNSResponseCode(rawValue: 3)
    public static let notImplemented = DNSResponseCode(rawValue: 4)
    public static let refused = DNSResponseCode(rawValue: 5)
}

public struct DNSQuestion: Hashable, Sendable {
    /// Presentation form without the trailing dot, e.g. "1.2.0.192.in-addr.arpa".
    public var name: String
    public var type: DNSRecordType
    /// IN (1) unless told otherwise.
    public var recordClass: UInt16

    public init(name: String, type: DNSRecordType, recordClass: UInt16 = 1) {
        self.name = name
        self.type = type
        self.recordClass = recordClass
    }
}

/// The data of the record types tracemap reads; the others stay as bytes.
public enum DNSRecordData: Hashable, Sendable {
    case ptr(String)
    case cname(String)
    /// The record's character-strings, each decoded as UTF-8.
    case txt([String])
    case other([UInt8])
}

public struct DNSRecord: Hashable, Sendable {
    public var name: String
    public var type: DNSRecordType
    public var recordClass: UInt16
    public var ttl: UInt32
    public var data: DNSRecordData

    public init(name: String, type: DNSRecordType, recordClass: UInt16 = 1, ttl: UInt32, data: DNSRecordData) {
        self.name = name
        self.type = type
        self.recordClass = recordClass
        self.ttl = ttl
        self.data = data
    }
}

/// A DNS message (RFC 1035 §4): built for queries, parsed from responses. Names are read with compression and
/// written without it; label bytes that are not printable ASCII, and "." or "\" inside a label, read as `\DDD`
/// (RFC 4343), so a hostile name can never carry terminal control sequences.
public struct DNSMessage: Hashable, Sendable {
    public var id: UInt16
    public var isResponse: Bool = false
    public var opcode: UInt8 = 0
    public var authoritative: Bool = false
    public var truncated: Bool = false
    public var recursionDesired: Bool = true
    public var recursionAvailable: Bool = false
    public var responseCode: DNSResponseCode = .noError
    public var questions: [DNSQuestion] = []
    public var answers: [DNSRecord] = []
    public var authorities: [DNSRecord] = []
    public var additionals: [DNSRecord] = []

    public init(id: UInt16, questions: [DNSQuestion] = []) {
        self.id = id
        self.questions = questions
    }

    /// A recursive query for one name and type.
    public static func query(id: UInt16, name: String, type: DNSRecordType) -> DNSMessage {
        DNSMessage(id: id, questions: [DNSQuestion(name: name, type: type)])
    }

    // MARK: Writing

    public func encoded() throws(DNSWireError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        append16(&out, id)
        var flags: UInt16 = 0
        if isResponse { flags |= 0x8000 }
        flags |= UInt16(opcode & 0x0f) << 11
        if authoritative { flags |= 0x0400 }
        if truncated { flags |= 0x0200 }
        if recursionDesired { flags |= 0x0100 }
        if recursionAvailable { flags |= 0x0080 }
        flags |= UInt16(responseCode.rawValue & 0x0f)
        append16(&out, flags)
        for count in [questions.count, answers.count, authorities.count, additionals.count] {
            append16(&out, UInt16(clamping: count))
        }
        for question in questions {
            try Self.appendName(question.name, to: &out)
            append16(&out, question.type.rawValue)
            append16(&out, question.recordClass)
        }
        for record in answers + authorities + additionals {
            try Self.appendName(record.name, to: &out)
            append16(&out, record.type.rawValue)
            append16(&out, record.recordClass)
            append16(&out, UInt16(record.ttl >> 16))
            append16(&out, UInt16(record.ttl & 0xffff))
            var data: [UInt8] = []
            switch record.data {
            case .ptr(let name), .cname(let name): try Self.appendName(name, to: &data)
            case .txt(let strings):
                for string in strings {
                    let bytes = Array(string.utf8)
                    guard bytes.count <= 255 else { throw .stringTooLong }
                    data.append(UInt8(bytes.count))
                    data += bytes
                }
            case .other(let bytes): data = bytes
            }
            append16(&out, UInt16(clamping: data.count))
            out += data
        }
        return out
    }

    /// Appends `name` as uncompressed labels. Names tracemap writes are plain ASCII; `\DDD` and `\.` escapes
    /// are read back into their bytes so a parsed name re-encodes to the same wire form.
    static func appendName(_ name: String, to out: inout [UInt8]) throws(DNSWireError) {
        let labels = try splitLabels(name)
        var length = 1
        for label in labels {
            guard !label.isEmpty, label.count <= 63 else {
                throw .badLabel(String(decoding: label, as: UTF8.self))
            }
            length += label.count + 1
            out.append(UInt8(label.count))
            out += label
        }
        guard length <= 255 else { throw .nameTooLong }
        out.append(0)
    }

    private static func splitLabels(_ name: String) throws(DNSWireError) -> [[UInt8]] {
        var labels: [[UInt8]] = []
        var current: [UInt8] = []
        let bytes = Array(name.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                let digits = bytes[(index + 1)...].prefix(3)
                if digits.count == 3, digits.allSatisfy({ (48...57).contains($0) }),
                   let value = UInt8(String(decoding: digits, as: UTF8.self)) {
                    current.append(value)
                    index += 4
                } else if index + 1 < bytes.count {
                    current.append(bytes[index + 1])
                    index += 2
                } else {
                    throw .badLabel(name)
                }
                continue
            }
            if byte == UInt8(ascii: ".") {
                labels.append(current)
                current = []
            } else {
                current.append(byte)
            }
            index += 1
        }
        // "example.net." and "example.net" are the same name; "." alone is the root.
        if !current.isEmpty { labels.append(current) }
        if labels.count == 1 && labels[0].isEmpty && name == "." { return [] }
        return labels
    }

    // MARK: Reading

    public init(parsing bytes: [UInt8]) throws(DNSWireError) {
        var reader = Reader(bytes: bytes)
        id = try reader.read16()
        let flags = try reader.read16()
        isResponse = flags & 0x8000 != 0
        opcode = UInt8((flags >> 11) & 0x0f)
        authoritative = flags & 0x0400 != 0
        truncated = flags & 0x0200 != 0
        recursionDesired = flags & 0x0100 != 0
        recursionAvailable = flags & 0x0080 != 0
        responseCode = DNSResponseCode(rawValue: UInt8(flags & 0x0f))
        let questionCount = try reader.read16()
        let answerCount = try reader.read16()
        let authorityCount = try reader.read16()
        let additionalCount = try reader.read16()
        for _ in 0..<questionCount {
            let name = try reader.readName()
            let type = DNSRecordType(rawValue: try reader.read16())
            questions.append(DNSQuestion(name: name, type: type, recordClass: try reader.read16()))
        }
        for _ in 0..<answerCount { answers.append(try reader.readRecord()) }
        for _ in 0..<authorityCount { authorities.append(try reader.readRecord()) }
        for _ in 0..<additionalCount { additionals.append(try reader.readRecord()) }
    }

    private struct Reader {
        let bytes: [UInt8]
        var position = 0

        mutating func read8() throws(DNSWireError) -> UInt8 {
            guard position < bytes.count else { throw .truncated(offset: position) }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func read16() throws(DNSWireError) -> UInt16 {
            guard position + 2 <= bytes.count else { throw .truncated(offset: position) }
            defer { position += 2 }
            return UInt16(bytes[position]) << 8 | UInt16(bytes[position + 1])
        }

        mutating func read32() throws(DNSWireError) -> UInt32 {
            UInt32(try read16()) << 16 | UInt32(try read16())
        }

        mutating func readBytes(_ count: Int) throws(DNSWireError) -> ArraySlice<UInt8> {
            guard count >= 0, position + count <= bytes.count else { throw .truncated(offset: position) }
            defer { position += count }
            return bytes[position..<(position + count)]
        }

        /// Reads a possibly compressed name at the current position and moves past it.
        mutating func readName() throws(DNSWireError) -> String {
            var labels: [String] = []
            var wireLength = 1
            var cursor = position
            // Where reading resumes: after the first pointer, or after the terminating zero.
            var resume: Int?
            // Every pointer must go strictly backwards, so following them always ends.
            var limit = position
            while true {
                guard cursor < bytes.count else { throw .truncated(offset: cursor) }
                let length = bytes[cursor]
                switch length & 0xc0 {
                case 0x00:
                    if length == 0 {
                        position = resume ?? cursor + 1
                        return labels.joined(separator: ".")
                    }
                    let start = cursor + 1, end = start + Int(length)
                    guard end <= bytes.count else { throw .truncated(offset: cursor) }
                    wireLength += Int(length) + 1
                    guard wireLength <= 255 else { throw .nameTooLong }
                    labels.append(Self.presentation(bytes[start..<end]))
                    cursor = end
                case 0xc0:
                    guard cursor + 1 < bytes.count else { throw .truncated(offset: cursor) }
                    let target = Int(length & 0x3f) << 8 | Int(bytes[cursor + 1])
                    guard target < limit else { throw .badPointer(offset: cursor) }
                    if resume == nil { resume = cursor + 2 }
                    limit = target
                    cursor = target
                default:
                    throw .badPointer(offset: cursor)
                }
            }
        }

        /// RFC 4343: printable ASCII as is, "." and "\" escaped, every other byte as \DDD.
        static func presentation(_ label: ArraySlice<UInt8>) -> String {
            var text = ""
            for byte in label {
                switch byte {
                case UInt8(ascii: "."), UInt8(ascii: "\\"):
                    text += "\\" + String(UnicodeScalar(byte))
                case 0x21...0x7e:
                    text.unicodeScalars.append(UnicodeScalar(byte))
                default:
                    let digits = String(byte)
                    text += "\\" + String(repeating: "0", count: 3 - digits.count) + digits
                }
            }
            return text
        }

        mutating func readRecord() throws(DNSWireError) -> DNSRecord {
            let name = try readName()
            let type = DNSRecordType(rawValue: try read16())
            let recordClass = try read16()
            let ttl = try read32()
            let length = Int(try read16())
            let start = position
            guard start + length <= bytes.count else { throw .truncated(offset: start) }
            let data: DNSRecordData
            switch type {
            case .ptr, .cname:
                let target = try readName()
                data = type == .ptr ? .ptr(target) : .cname(target)
            case .txt:
                var strings: [String] = []
                while position < start + length {
                    let count = Int(try read8())
                    guard position + count <= start + length else { throw .badRecordData(offset: start) }
                    strings.append(String(decoding: try readBytes(count), as: UTF8.self))
                }
                data = .txt(strings)
            default:
                data = .other(Array(try readBytes(length)))
            }
            guard position == start + length else { throw .badRecordData(offset: start) }
            return DNSRecord(name: name, type: type, recordClass: recordClass, ttl: ttl, data: data)
        }
    }
}

private func append16(_ out: inout [UInt8], _ value: UInt16) {
    out.append(UInt8(value >> 8))
    out.append(UInt8(value & 0xff))
}
