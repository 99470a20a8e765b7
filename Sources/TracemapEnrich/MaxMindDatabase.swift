import CMaxMindDB
import Foundation
import TracemapModel

/// A libmaxminddb error code with its library text.
public struct MaxMindError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: Int32
    public var message: String

    init(code: Int32) {
        self.code = code
        message = String(cString: MMDB_strerror(code))
    }

    public var description: String { message }
}

/// One value read from a record. Maps and arrays are only reported as such: callers walk paths instead.
enum MaxMindValue: Sendable, Hashable {
    case string(String)
    case double(Double)
    case unsigned(UInt64)
    case signed(Int64)
    case boolean(Bool)
    case bytes([UInt8])
    case map
    case array
    case unsupported

    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// Numbers of any width, and numeric text (some databases store coordinates as strings).
    var double: Double? {
        switch self {
        case .double(let value): value
        case .unsigned(let value): Double(value)
        case .signed(let value): Double(value)
        case .string(let text): Double(text.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    var unsigned: UInt64? {
        switch self {
        case .unsigned(let value): value
        case .signed(let value) where value >= 0: UInt64(value)
        case .string(let text): UInt64(text)
        default: nil
        }
    }
}

/// A MaxMind DB file opened read-only and memory-mapped. After `MMDB_open` libmaxminddb only reads the mapping,
/// so lookups from several threads at once are safe.
final class MaxMindDatabase: @unchecked Sendable {
    private let handle: UnsafeMutablePointer<MMDB_s>
    let path: String
    /// The metadata's `database_type`, e.g. "GeoLite2-City", "DBIP-City-Lite", "ipinfo standard_location.mmdb".
    let databaseType: String
    /// 4 or 6: an IPv4-only database cannot answer for IPv6 addresses.
    let ipVersion: Int

    /// Opens `path` with `MMDB_open(path, MMDB_MODE_MMAP, …)`.
    init(path: String) throws(MaxMindError) {
        let handle = UnsafeMutablePointer<MMDB_s>.allocate(capacity: 1)
        let status = MMDB_open(path, UInt32(MMDB_MODE_MMAP), handle)
        guard status == MMDB_SUCCESS else {
            handle.deallocate()
            throw MaxMindError(code: status)
        }
        self.handle = handle
        self.path = path
        databaseType = handle.pointee.metadata.database_type.map { String(cString: $0) } ?? ""
        ipVersion = Int(handle.pointee.metadata.ip_version)
    }

    deinit {
        MMDB_close(handle)
        handle.deallocate()
    }

    /// The record for `address`, nil when the database has none (`MMDB_lookup_sockaddr`). An IPv6 address asked
    /// of an IPv4-only database has none; a damaged search tree throws.
    func lookup(_ address: IPAddress) throws(MaxMindError) -> MaxMindRecord? {
        // An IPv4-mapped address (RFC 4291 §2.5.5.2) is the IPv4 address: not every database aliases ::ffff:0:0/96.
        if address.family == .v6, address.bytes.prefix(12) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff],
           let v4 = IPAddress(bytes: Array(address.bytes.suffix(4))) {
            return try lookup(v4)
        }
        if address.family == .v6 && ipVersion == 4 { return nil }
        var status: Int32 = MMDB_SUCCESS
        let result = withSocketAddress(of: address) { MMDB_lookup_sockaddr(handle, $0, &status) }
        guard status == MMDB_SUCCESS else { throw MaxMindError(code: status) }
        guard result.found_entry else { return nil }
        // An IPv4 address is found under ::/96 of an IPv6 tree, so its netmask counts those 96 bits too.
        let netmask = Int(result.netmask)
        let prefixLength = address.family == .v4 && ipVersion == 6 ? max(0, netmask - 96) : netmask
        return MaxMindRecord(database: self, entry: result.entry, address: address, prefixLength: prefixLength)
    }

    private func withSocketAddress<T>(of address: IPAddress, _ body: (UnsafePointer<sockaddr>) -> T) -> T {
        switch address.family {
        case .v4:
            var storage = sockaddr_in()
            storage.sin_family = sa_family_t(AF_INET)
            withUnsafeMutableBytes(of: &storage.sin_addr) { $0.copyBytes(from: address.bytes) }
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1, body)
            }
        case .v6:
            var storage = sockaddr_in6()
            storage.sin6_family = sa_family_t(AF_INET6)
            withUnsafeMutableBytes(of: &storage.sin6_addr) { $0.copyBytes(from: address.bytes) }
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1, body)
            }
        }
    }
}

/// The data record found for one address; it keeps its database open.
struct MaxMindRecord: @unchecked Sendable {
    private let database: MaxMindDatabase
    private let entry: MMDB_entry_s
    /// The looked-up address and the length of the database network that holds it.
    let address: IPAddress
    let prefixLength: Int

    fileprivate init(database: MaxMindDatabase, entry: MMDB_entry_s, address: IPAddress, prefixLength: Int) {
        self.database = database
        self.entry = entry
        self.address = address
        self.prefixLength = prefixLength
    }

    /// The database network that holds the address, as "192.0.2.0/24".
    var network: String {
        var bytes = address.bytes
        var remaining = prefixLength
        for index in bytes.indices {
            let keep = min(8, max(0, remaining))
            bytes[index] &= UInt8(truncatingIfNeeded: 0xff << (8 - keep))
            remaining -= keep
        }
        return "\(IPAddress(bytes: bytes) ?? address)/\(prefixLength)"
    }

    /// The value at a path of map keys and array indices (as decimal text), nil when the path does not exist
    /// (`MMDB_aget_value` with a NULL-terminated path array: `MMDB_get_value` is variadic).
    func value(at path: [String]) -> MaxMindValue? {
        var start = entry
        var data = MMDB_entry_data_s()
        let status = withCStringArray(path) { MMDB_aget_value(&start, &data, $0) }
        guard status == MMDB_SUCCESS, data.has_data else { return nil }
        return Self.convert(data)
    }

    func string(_ path: String...) -> String? {
        guard let text = value(at: path)?.string, !text.isEmpty else { return nil }
        return text
    }

    func double(_ path: String...) -> Double? { value(at: path)?.double }

    func unsigned(_ path: String...) -> UInt64? { value(at: path)?.unsigned }

    private static func convert(_ data: MMDB_entry_data_s) -> MaxMindValue {
        // MMDB_DATA_TYPE_* import as Int32 while `type` is UInt32.
        switch Int32(bitPattern: data.type) {
        case MMDB_DATA_TYPE_UTF8_STRING:
            // Not NUL-terminated: the string ends after data_size bytes.
            guard let base = data.utf8_string else { return .string("") }
            let bytes = UnsafeRawBufferPointer(start: base, count: Int(data.data_size))
            return .string(String(decoding: bytes, as: UTF8.self))
        case MMDB_DATA_TYPE_DOUBLE: return .double(data.double_value)
        case MMDB_DATA_TYPE_FLOAT: return .double(Double(data.float_value))
        case MMDB_DATA_TYPE_UINT16: return .unsigned(UInt64(data.uint16))
        case MMDB_DATA_TYPE_UINT32: return .unsigned(UInt64(data.uint32))
        case MMDB_DATA_TYPE_UINT64: return .unsigned(data.uint64)
        case MMDB_DATA_TYPE_INT32: return .signed(Int64(data.int32))
        case MMDB_DATA_TYPE_BOOLEAN: return .boolean(data.boolean)
        case MMDB_DATA_TYPE_BYTES:
            guard let base = data.bytes else { return .bytes([]) }
            return .bytes(Array(UnsafeBufferPointer(start: base, count: Int(data.data_size))))
        case MMDB_DATA_TYPE_MAP: return .map
        case MMDB_DATA_TYPE_ARRAY: return .array
        default: return .unsupported
        }
    }
}

/// Calls `body` with a NULL-terminated array of C strings that live for the call.
private func withCStringArray<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    var pointers: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) }
    pointers.append(nil)
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
