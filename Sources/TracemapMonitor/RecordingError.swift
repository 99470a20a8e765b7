import TracemapModel

/// Why a recording cannot be written or read; prints as one line naming the file.
public enum RecordingError: Error, CustomStringConvertible, Sendable, Hashable {
    case cannotCreate(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    case cannotRead(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason): "cannot create recording \(path): \(reason)"
        case .cannotWrite(let path, let reason): "cannot write recording \(path): \(reason)"
        case .cannotRead(let path, let reason): "cannot read recording \(path): \(reason)"
        }
    }

    /// A recording file that cannot be opened is bad input (README "Exit codes").
    public var exitStatus: ExitStatus { .badInput }
}
