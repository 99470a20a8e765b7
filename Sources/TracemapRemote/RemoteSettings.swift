/// Where each engine lives and the credentials to use, from the environment. Base URLs are settings so that
/// self-hosted and test servers work; the defaults are the public endpoints.
public struct RemoteSettings: Sendable {
    public static let defaultGlobalpingURL = "https://api.globalping.io"
    public static let defaultAtlasURL = "https://atlas.ripe.net"
    public static let defaultCloudflareURL = "https://api.cloudflare.com"

    public var globalpingURL: String
    public var atlasURL: String
    public var cloudflareURL: String
    public var globalpingToken: String?
    public var atlasKey: String?
    public var cloudflareToken: String?
    public var cloudflareAccount: String?
    /// Milliseconds between two status requests; nil means each engine's documented pace
    /// (`TRACEMAP_REMOTE_POLL_MS`, for test servers that answer at once).
    public var pollIntervalMs: Int?
    /// Whether to print each HTTP request and response to stderr (`TRACEMAP_HTTP_DEBUG=1`).
    public var debugHTTP: Bool

    public init(environment: [String: String]) {
        func nonEmpty(_ name: String) -> String? {
            environment[name].flatMap { $0.isEmpty ? nil : $0 }
        }
        globalpingURL = Self.trimmed(nonEmpty("TRACEMAP_GLOBALPING_URL") ?? Self.defaultGlobalpingURL)
        atlasURL = Self.trimmed(nonEmpty("TRACEMAP_ATLAS_URL") ?? Self.defaultAtlasURL)
        cloudflareURL = Self.trimmed(nonEmpty("TRACEMAP_CLOUDFLARE_URL") ?? Self.defaultCloudflareURL)
        globalpingToken = nonEmpty("GLOBALPING_TOKEN")
        atlasKey = nonEmpty("RIPE_ATLAS_KEY")
        cloudflareToken = nonEmpty("CLOUDFLARE_API_TOKEN")
        cloudflareAccount = nonEmpty("CLOUDFLARE_ACCOUNT_ID")
        pollIntervalMs = nonEmpty("TRACEMAP_REMOTE_POLL_MS").flatMap(Int.init).map { max(0, $0) }
        debugHTTP = nonEmpty("TRACEMAP_HTTP_DEBUG") == "1"
    }

    /// Every secret, for redaction.
    public var secrets: Secrets {
        Secrets([globalpingToken, atlasKey, cloudflareToken])
    }

    /// The base URL without a trailing slash, so paths join with one.
    static func trimmed(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// Checks a base URL before any request: scheme and host present.
    public static func validate(_ url: String, name: String) throws(RemoteError) {
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"),
              url.split(separator: "/", omittingEmptySubsequences: true).count >= 2 else {
            throw .badSetting(name: name, detail: "not an http(s) URL: \(url.oneLine(limit: 100))")
        }
    }
}

/// The host part of a URL for messages ("api.globalping.io", "127.0.0.1:8080").
func hostLabel(_ url: String) -> String {
    var rest = Substring(url)
    if let range = rest.firstRange(of: "://") { rest = rest[range.upperBound...] }
    return String(rest.prefix { $0 != "/" })
}

/// Percent-encodes a query or path component (RFC 3986 unreserved characters pass through).
func percentEncoded(_ text: String) -> String {
    var result = ""
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
             UInt8(ascii: "~"):
            result.append(Character(UnicodeScalar(byte)))
        default:
            let hex = Array("0123456789ABCDEF")
            result += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0xF)])
        }
    }
    return result
}
