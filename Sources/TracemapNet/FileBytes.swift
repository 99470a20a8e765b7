#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Glibc
import SystemPackage

/// swift-system's typed file descriptor (open, read, write, close with `Errno`), for readers of TracemapNet.
public typealias FileDescriptor = SystemPackage.FileDescriptor

/// Why a file could not be read or written: one type for every reader and writer of files, so each says it
/// the same way ("cannot read PATH: REASON").
public enum FileError: Error, CustomStringConvertible, Sendable, Hashable {
    /// open(2), read(2), write(2) or fstat(2) failed.
    case system(Errno)
    case isDirectory
    /// Larger than the reader's limit (`/dev/zero`, a runaway file): reading on would only exhaust memory.
    case tooLarge(limit: Int)

    public var description: String {
        switch self {
        case .system(let code): code.description
        case .isDirectory: "is a directory"
        case .tooLarge(let limit): "larger than \(limit >> 20) MiB"
        }
    }

    /// The errno behind the failure, if a system call failed.
    public var code: Errno? {
        if case .system(let code) = self { return code }
        return nil
    }
}

/// Whole files in and out, over swift-system's `FileDescriptor` (open, read and write retried on EINTR).
public enum FileBytes {
    /// A file's bytes and its modification time (now for standard input).
    public struct Contents: Sendable {
        public var bytes: [UInt8]
        public var modified: Date
    }

    /// open(2) for reading, refusing a directory (whose read(2) would only fail later, or, for some readers,
    /// look like an empty file).
    public static func openForReading(_ path: String) throws(FileError) -> FileDescriptor {
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
        } catch {
            throw .system(error as? Errno ?? .current)
        }
        if isDirectory(descriptor) {
            try? descriptor.close()
            throw .isDirectory
        }
        return descriptor
    }

    /// open(2) and read(2) to the end, at most `limit` bytes; `-` reads standard input.
    public static func read(_ path: String, limit: Int) throws(FileError) -> Contents {
        let standardInput = path == "-"
        let descriptor = standardInput ? FileDescriptor.standardInput : try openForReading(path)
        defer { if !standardInput { try? descriptor.close() } }
        var info = stat()
        guard fstat(descriptor.rawValue, &info) == 0 else { throw .system(.current) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count: Int
            do {
                count = try chunk.withUnsafeMutableBytes { try descriptor.read(into: $0) }
            } catch {
                throw .system(error as? Errno ?? .current)
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
            if bytes.count > limit { throw .tooLarge(limit: limit) }
        }
        let modified = standardInput ? Date()
            : Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
        return Contents(bytes: bytes, modified: modified)
    }

    private static func isDirectory(_ descriptor: FileDescriptor) -> Bool {
        var info = stat()
        return fstat(descriptor.rawValue, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether `path` names anything stat(2) can see.
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Opens `path` for writing in place — created with mode 0644, or truncated — never through a temporary file
    /// and a rename (as Foundation's atomic writes do), which would replace `/dev/null`, a FIFO or a symlink's
    /// target with a plain file.
    public static func create(_ path: String) throws(FileError) -> FileDescriptor {
        do {
            return try FileDescriptor.open(FilePath(path), .writeOnly, options: [.create, .truncate, .closeOnExec],
                                           permissions: [.ownerReadWrite, .groupRead, .otherRead])
        } catch {
            throw .system(error as? Errno ?? .current)
        }
    }

    /// write(2) until every byte is out.
    public static func write(_ bytes: some Sequence<UInt8>, to descriptor: FileDescriptor) throws(FileError) {
        do {
            _ = try descriptor.writeAll(bytes)
        } catch {
            throw .system(error as? Errno ?? .current)
        }
    }

    /// `path`'s new contents, written in place (`create`, then `write`).
    public static func write(_ bytes: some Sequence<UInt8>, toFile path: String) throws(FileError) {
        let descriptor = try create(path)
        defer { try? descriptor.close() }
        try write(bytes, to: descriptor)
    }
}
