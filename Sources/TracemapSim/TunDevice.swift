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

    /// One packet into `buffer`; nil when none is waiting (EAGAIN) or the read failed.
    func read(into buffer: inout [UInt8]) -> Int? {
        let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
        return count > 0 ? count : nil
    }

    /// Hands one packet to the kernel as if it arrived on the device; false if the kernel refused it.
    @discardableResult
    func write(_ packet: [UInt8]) -> Bool {
        packet.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) } == packet.count
    }

    deinit { close(descriptor) }
}
