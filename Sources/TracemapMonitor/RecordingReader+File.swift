import TracemapNet

extension RecordingReader {
    /// Opens `path` once to report an unreadable file now; each iteration reads it from the start, 64 KiB at
    /// a time.
    public init(path: String) throws(RecordingError) {
        do {
            let descriptor = try FileBytes.openForReading(path)
            try? descriptor.close()
        } catch {
            throw .cannotRead(path: path, reason: error.description)
        }
        self.init(source: .chunks({ Self.chunks(of: path) }))
    }

    private static func chunks(of path: String) -> ChunkReader {
        let file: OpenFile
        do {
            file = OpenFile(try FileBytes.openForReading(path))
        } catch {
            let reason = error.description
            return { .failure(ReadFailure(reason: reason)) }
        }
        return {
            var chunk = [UInt8](repeating: 0, count: 65_536)
            do {
                let count = try chunk.withUnsafeMutableBytes { try file.descriptor.read(into: $0) }
                return .success(Array(chunk[0..<count]))
            } catch {
                return .failure(ReadFailure(reason: (error as? Errno ?? .current).description))
            }
        }
    }

    /// Closes its descriptor when the last pass reading it is gone.
    private final class OpenFile {
        let descriptor: FileDescriptor
        init(_ descriptor: FileDescriptor) { self.descriptor = descriptor }
        deinit { try? descriptor.close() }
    }
}
