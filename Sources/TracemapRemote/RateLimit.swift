/// What an engine says about its limits in `X-RateLimit-*`, `X-Credits-*` and `Retry-After` headers
/// (Globalping documents all of them; RIPE Atlas and Cloudflare send `Retry-After` with a 429).
public struct RateLimit: Sendable, Equatable, Codable {
    /// Points (Globalping: tests) in the current window.
    public var limit: Int?
    public var remaining: Int?
    /// Seconds until the window starts again.
    public var resetSeconds: Int?
    /// Points this request cost.
    public var consumed: Int?
    public var creditsRemaining: Int?
    /// Seconds to wait before asking again.
    public var retryAfterSeconds: Int?

    public init(limit: Int? = nil, remaining: Int? = nil, resetSeconds: Int? = nil, consumed: Int? = nil,
                creditsRemaining: Int? = nil, retryAfterSeconds: Int? = nil) {
        self.limit = limit
        self.remaining = remaining
        self.resetSeconds = resetSeconds
        self.consumed = consumed
        self.creditsRemaining = creditsRemaining
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// Reads the headers; nil when none is there.
    public init?(_ response: RemoteResponse) {
        func number(_ name: String) -> Int? {
            response.header(name).flatMap { Int($0.trimmedSpaces) }
        }
        limit = number("X-RateLimit-Limit")
        remaining = number("X-RateLimit-Remaining")
        resetSeconds = number("X-RateLimit-Reset")
        consumed = number("X-RateLimit-Consumed")
        creditsRemaining = number("X-Credits-Remaining")
        // Retry-After is delay-seconds or an HTTP date (RFC 9110 §10.2.3); engines send seconds, a date is read as
        // "a while" and capped by the caller.
        retryAfterSeconds = number("Retry-After") ?? (response.header("Retry-After") == nil ? nil : 60)
        if limit == nil && remaining == nil && resetSeconds == nil && retryAfterSeconds == nil
            && creditsRemaining == nil { return nil }
    }

    /// "0 of 250 tests left this hour, resets in 41 min"
    public var summary: String {
        var parts: [String] = []
        if let remaining, let limit { parts.append("\(remaining) of \(limit) tests left this hour") }
        else if let remaining { parts.append("\(remaining) tests left") }
        if let resetSeconds { parts.append("resets in \(Self.duration(resetSeconds))") }
        if let creditsRemaining { parts.append("\(creditsRemaining) credits left") }
        if let retryAfterSeconds, resetSeconds == nil { parts.append("retry after \(Self.duration(retryAfterSeconds))") }
        return parts.joined(separator: ", ")
    }

    static func duration(_ seconds: Int) -> String {
        seconds < 120 ? "\(seconds) s" : seconds < 7200 ? "\((seconds + 59) / 60) min" : "\((seconds + 1799) / 3600) h"
    }
}

extension String {
    var trimmedSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }

    /// One line, at most `limit` characters, control characters removed: server text is hostile data.
    func oneLine(limit: Int = 300) -> String {
        let cleaned = String(map { $0.isNewline || $0 == "\t" ? " " : $0 }
            .filter { !$0.unicodeScalars.contains { $0.properties.generalCategory == .control } })
        return cleaned.count > limit ? String(cleaned.prefix(limit)) + "…" : cleaned
    }
}
