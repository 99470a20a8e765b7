import TracemapCLI
import ArgumentParser
import Foundation
import TracemapConfig
import TracemapEnrich
import TracemapModel
import TracemapNet
import TracemapProbe

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Report what works on this machine: privileges, probe methods, routes, terminal, GeoIP.",
        discussion: "Exit status 0 when some probe method can trace, 4 when none can.")

    func run() throws {
        var lines: [String] = []
        let capability = Privileges.canOpenRawSockets
        lines.append("user        uid \(getuid()) euid \(geteuid()), CAP_NET_RAW \(capability ? "yes" : "no")")
        if let range = Privileges.pingGroupRange {
            let allowed = range.contains(getgid())
            lines.append("ping group  net.ipv4.ping_group_range = \(range.lowerBound) \(range.upperBound) "
                         + "(gid \(getgid()) \(allowed ? "allowed" : "not allowed"))")
        }
        let checks = MethodCheck.all()
        for check in checks {
            let family = check.family == .v4 ? "IPv4" : "IPv6"
            let protocols = check.protocols.map(\.rawValue).joined(separator: "/")
            lines.append("method      \(family) \(check.method.rawValue.padding(12)) \(protocols.padding(12)) "
                         + (check.available ? "ok" : "unavailable: \(check.detail)"))
        }
        // A connected UDP socket asks the kernel for a route and sends nothing; documentation addresses stand in
        // for "the rest of the world".
        for (family, probe) in [("IPv4", "192.0.2.1"), ("IPv6", "2001:db8::1")] {
            do throws(ProbeSetupError) {
                let source = try ProbeEngine.routeSource(to: IPAddress(probe)!, device: nil)
                lines.append("route       \(family) default route, source \(source)")
            } catch {
                lines.append("route       \(family) none (\(error.description))")
            }
        }
        let isTerminal = isatty(STDOUT_FILENO) == 1
        setlocale(LC_ALL, "")
        let codeset = String(cString: nl_langinfo(Int32(CODESET)))
        lines.append("terminal    \(isTerminal ? "yes" : "no (stdout is not a terminal)"), TERM=\(ProcessInfo.processInfo.environment["TERM"] ?? "unset"), "
                     + "charset \(codeset)\(codeset == "UTF-8" ? "" : " (the map falls back to ASCII; set LANG=C.UTF-8)")")
        lines += geoIPStatus()
        lines.append(configStatus())
        Output.line(lines.joined(separator: "\n"))
        let canTrace = checks.contains { $0.available }
        Output.line(canTrace ? "tracing     possible" : "tracing     impossible: run as root, `sudo setcap cap_net_raw+ep "
              + "$(command -v tracemap)`, or allow ping sockets (net.ipv4.ping_group_range)")
        if !canTrace { throw ExitCode(ExitStatus.noPermission.rawValue) }
    }

    /// The lookup order, every candidate with what it holds, and whether the chosen one opens (`MMDB_open`
    /// and a type check, as `trace` would).
    private func geoIPStatus() -> [String] {
        let candidates = EnrichmentPaths.geoDatabaseCandidates(explicit: nil)
        let chosen = EnrichmentPaths.geoDatabase(explicit: nil)
        var lines: [String] = []
        for candidate in candidates {
            let check = DatabaseCheck.geo(at: candidate.path)
            let origin = candidate.origin == .environment ? "TRACEMAP_GEOIP_MMDB" : candidate.origin.rawValue
            let mark = candidate.path == chosen && check.opens ? "used" : (check.opens ? "opens" : "")
            lines.append("geoip       \(origin.padding(8)) \(candidate.path): "
                         + (check.opens ? "opens (\(check.detail))\(mark == "used" ? ", used" : "")" : check.detail))
        }
        if !candidates.contains(where: { DatabaseCheck.geo(at: $0.path).opens }) {
            lines.append("geoip       no usable database: no locations (scripts/install.sh or scripts/install-geoip.sh "
                         + "installs one; --geoip-mmdb or TRACEMAP_GEOIP_MMDB names another)")
        }
        return lines
    }

    private func configStatus() -> String {
        let environment = ProcessInfo.processInfo.environment
        let path = ConfigPaths.file(environment: environment)
        do {
            return try ConfigLayer.load(environment: environment) == nil ? "config      \(path): none (defaults)"
                : "config      \(path): valid"
        } catch {
            return "config      \(error.description)"
        }
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
