#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOHTTP1
import NIOPosix

/// Where `--metrics` listens: `PORT`, `ADDR:PORT` or `[IPv6]:PORT`. Without an address it is loopback only
/// (127.0.0.1): exposing the path data to the network is a choice the user spells out (`0.0.0.0:PORT`, `[::]:PORT`).
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses the option's text; nil when it is not `[ADDR:]PORT` with a port of 0…65535.
    public init?(_ text: String) {
        var host = "127.0.0.1"
        var portText = Substring(text)
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                return nil
            }
            host = String(text[text.index(after: text.startIndex)..<close])
            portText = text[text.index(close, offsetBy: 2)...]
        } else if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
            // A bare IPv6 address needs brackets, or its last group would read as the port.
            if host.contains(":") { return nil }
        }
        guard !host.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(portText),
              (0...65_535).contains(port) else { return nil }
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// A failure to start the metrics listener (address in use, no such local address, a privileged port).
public struct MetricsServerError: Error, CustomStringConvertible {
    public var description: String
}

/// The smallest HTTP/1.1 server that serves the exporter: `GET /metrics` (text exposition format 0.0.4) and
/// `GET /healthz`, on one event-loop thread of its own.
public final class MetricsServer: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel

    /// The address actually bound (its port is the kernel's choice when 0 was asked for).
    public let address: ListenAddress

    private init(group: MultiThreadedEventLoopGroup, channel: any Channel, address: ListenAddress) {
        self.group = group
        self.channel = channel
        self.address = address
    }

    /// Binds and starts serving. Blocks until the socket is bound, so a bind failure is reported before probing.
    public static func start(_ listen: ListenAddress, exporter: MetricsExporter) throws(MetricsServerError)
        -> MetricsServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 16)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(exporter: exporter))
                }
            }
            .childChannelOption(.maxMessagesPerRead, value: 1)
        do {
            let channel = try bootstrap.bind(host: listen.host, port: listen.port).wait()
            let bound = ListenAddress(host: listen.host, port: channel.localAddress?.port ?? listen.port)
            return MetricsServer(group: group, channel: channel, address: bound)
        } catch {
            try? group.syncShutdownGracefully()
            // NIO's IOError text names its own call ("bind(descriptor:ptr:bytes:)"); the user wants errno's words.
            let reason = (error as? IOError).map { String(cString: strerror($0.errnoCode)) } ?? "\(error)"
            throw MetricsServerError(description: "cannot serve metrics on \(listen): \(reason)")
        }
    }

    /// Closes the listener and stops the thread.
    public func stop() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }
}

/// One connection: answers each request when its end arrives; keeps the connection open when the client asks.
private final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let exporter: MetricsExporter
    private var request: HTTPRequestHead?

    init(exporter: MetricsExporter) {
        self.exporter = exporter
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): request = head
        case .body: break  // A scrape has no body; anything sent is ignored.
        case .end:
            guard let head = request else { return }
            request = nil
            respond(to: head, context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        var status = HTTPResponseStatus.ok
        var contentType = "text/plain; charset=utf-8"
        var body: [UInt8]
        if head.method != .GET && head.method != .HEAD {
            status = .methodNotAllowed
            body = Array("only GET and HEAD\n".utf8)
        } else if path == "/metrics" {
            contentType = "text/plain; version=0.0.4; charset=utf-8"
            body = exporter.exposition()
        } else if path == "/healthz" {
            body = Array("ok\n".utf8)
        } else if path == "/" {
            body = Array("tracemap exporter: /metrics, /healthz\n".utf8)
        } else {
            status = .notFound
            body = Array("not found: /metrics, /healthz\n".utf8)
        }
        let keepAlive = head.isKeepAlive
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.count))
        if status == .methodNotAllowed { headers.add(name: "Allow", value: "GET, HEAD") }
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let response = HTTPResponseHead(version: head.version, status: status, headers: headers)
        context.write(wrapOutboundOut(.head(response)), promise: nil)
        if head.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))),
                          promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
