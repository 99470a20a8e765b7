import Glibc

/// Why the simulator cannot run; each names the call that failed and the kernel's reason.
public enum SimulatorError: Error, CustomStringConvertible, Sendable {
    case openDevice(errno: Int32)
    case attach(device: String, errno: Int32)
    case waker(errno: Int32)
    case thread(code: Int32)
    case scenario(path: String, reason: String)

    public var description: String {
        switch self {
        case .openDevice(let code):
            "cannot open /dev/net/tun: \(Self.text(code))"
        case .attach(let device, let code):
            "cannot attach to TUN device \(device) (create it first: ip tuntap add dev \(device) mode tun): "
                + Self.text(code)
        case .waker(let code):
            "cannot create the wake-up eventfd: \(Self.text(code))"
        case .thread(let code):
            "cannot start the simulator thread: \(Self.text(code))"
        case .scenario(let path, let reason):
            "cannot read scenario \(path): \(reason)"
        }
    }

    private static func text(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
