import CNetShim
import Glibc

/// The simulator's end of a persistent TUN device, attached with IFF_TUN | IFF_NO_PI so every read and write is
/// one whole IP packet without a header in front.
final class TunDevice {
    let descriptor: Int32

    /// Opens /dev/net/tun non-blocking and attaches it to `name` (TUNSETIFF through `tm_tun_attach`).
    init(name: String) throws(SimulatorError) {
        let fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw .openDevice(errno: errno) }
        guard tm_tun_attach(fd, name) == 0 else {
            let code = errno
            close(fd)
            throw .attach(device: name, errno: code)
        }
        descriptor = fd
    }

    enum ReadResult {
        case packet([UInt8])
        case empty
        /// The device is gone (EBADFD once its interface is deleted) or broken: nothing more will come.
        case failed
    }

    /// One packet, if one is waiting.
    func read(into buffer: inout [UInt8]) -> ReadResult {
        let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
        if count > 0 { return .packet(Array(buffer[0 ..< count])) }
        if count < 0 && (errno == EAGAIN || errno == EINTR) { return .empty }
        return count == 0 ? .empty : .failed
    }

    /// Hands one packet to the kernel as if it arrived on the device; false if the kernel refused it.
    @discardableResult
    func write(_ packet: [UInt8]) -> Bool {
        packet.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) } == packet.count
    }

    deinit { close(descriptor) }
}
