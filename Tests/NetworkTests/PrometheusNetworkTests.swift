import Foundation
import TracemapProcess
import XCTest

/// `tracemap watch --metrics` on the path simulator, scraped by a real Prometheus server (Debian's `prometheus`)
/// inside the same namespace, with the README's alerting rules loaded: what a user would query and be paged for.
final class PrometheusNetworkTests: XCTestCase {
    private var path: SimulatedPath?
    private var processes: [ChildProcess] = []
    private var directory: URL?

    private static let metricsAddress = "127.0.0.1:9469"
    private static let prometheusAddress = "127.0.0.1:9090"
    static let rulesFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("contrib/prometheus/tracemap-rules.yml")

    override func setUpWithError() throws {
        try XCTSkipUnless(Shell.canBuildNamespaces, "needs root and iproute2 to build namespaces")
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: Shell.tracemapBinary),
                          "tracemap is not built at \(Shell.tracemapBinary)")
        for tool in ["/usr/bin/prometheus", "/usr/bin/promtool", "/usr/bin/curl"] {
            try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: tool), "\(tool) is not installed")
        }
    }

    override func tearDown() {
        for process in processes where process.isRunning {
            process.signal(SIGTERM)
            process.wait()
        }
        processes = []
        path?.destroy()
        path = nil
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    /// seven-hops.json with hop 3 replaced (a detour of the same length) when `detour` is set.
    private func scenario(detour: Bool) throws -> String {
        let text = try SimulatedPath.scenario(named: "seven-hops")
        return detour ? text.replacingOccurrences(of: "\"198.51.100.3\"", with: "\"198.51.100.133\"") : text
    }

    private func curl(_ url: String) -> ProcessResult {
        path!.exec(["curl", "-sS", "--max-time", "5", url])
    }

    /// The samples of an instant PromQL query, as (labels, value).
    private func query(_ expression: String) -> [([String: String], Double)] {
        let encoded = expression.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? expression
        let result = curl("http://\(Self.prometheusAddress)/api/v1/query?query=\(encoded)")
        guard let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
              let data = object["data"] as? [String: Any], let samples = data["result"] as? [[String: Any]]
        else { return [] }
        return samples.compactMap { sample in
            guard let labels = sample["metric"] as? [String: String], let value = sample["value"] as? [Any],
                  value.count == 2, let text = value[1] as? String, let number = Double(text) else { return nil }
            return (labels, number)
        }
    }

    /// Queries until the expression has a sample (Prometheus scrapes every second), at most `seconds`.
    private func waitFor(_ expression: String, seconds: Double = 30) -> [([String: String], Double)] {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            let samples = query(expression)
            if !samples.isEmpty { return samples }
            usleep(500_000)
        } while Date() < deadline
        return []
    }

    private func value(_ expression: String) -> Double? { waitFor(expression).first?.1 }

    private func firingAlerts() -> [String] {
        let result = curl("http://\(Self.prometheusAddress)/api/v1/alerts")
        guard let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
              let data = object["data"] as? [String: Any], let alerts = data["alerts"] as? [[String: Any]]
        else { return [] }
        return alerts.compactMap { alert in
            guard alert["state"] as? String == "firing", let labels = alert["labels"] as? [String: String]
            else { return nil }
            return labels["alertname"]
        }
    }

    func testPrometheusScrapesTheWatchAndAlertsOnARouteChange() throws {
        let simulated = try SimulatedPath(scenario: try scenario(detour: false))
        path = simulated
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("prometheus-\(simulated.namespace.name)")
        directory = work
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)

        let watchLog = work.appendingPathComponent("watch.log")
        _ = FileManager.default.createFile(atPath: watchLog.path, contents: nil)
        let watchHandle = try FileHandle(forWritingTo: watchLog)
        processes.append(try simulated.namespace.spawn(
            [Shell.tracemapBinary, "watch", "-i", "0.2", "--metrics", Self.metricsAddress, SimulatedPath.target4],
            stdout: watchHandle, stderr: watchHandle))
        try watchHandle.close()

        let config = """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:
              - \(Self.rulesFile.path)
            scrape_configs:
              - job_name: tracemap
                static_configs:
                  - targets: ["\(Self.metricsAddress)"]
            """
        let configFile = work.appendingPathComponent("prometheus.yml")
        try Data(config.utf8).write(to: configFile)
        let check = Shell.run(["promtool", "check", "config", configFile.path])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        let prometheusLog = work.appendingPathComponent("prometheus.log")
        _ = FileManager.default.createFile(atPath: prometheusLog.path, contents: nil)
        let prometheusHandle = try FileHandle(forWritingTo: prometheusLog)
        processes.append(try simulated.namespace.spawn(
            ["prometheus", "--config.file=\(configFile.path)", "--storage.tsdb.path=\(work.path)/data",
             "--web.listen-address=\(Self.prometheusAddress)"], stdout: prometheusHandle, stderr: prometheusHandle))
        try prometheusHandle.close()
        func logs() -> String {
            let watch = (try? String(contentsOf: watchLog, encoding: .utf8)) ?? ""
            let server = (try? String(contentsOf: prometheusLog, encoding: .utf8)) ?? ""
            return "watch:\n\(watch.suffix(2000))\nprometheus:\n\(server.suffix(3000))"
        }

        // The exposition itself: the format checker and the health endpoint.
        var exposition = ""
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            exposition = curl("http://\(Self.metricsAddress)/metrics").stdout
            if exposition.contains("tracemap_hop_rtt_seconds_bucket") { break }
            usleep(200_000)
        }
        XCTAssertTrue(exposition.contains("tracemap_hop_rtt_seconds_bucket"), logs())
        let lint = Shell.run(["promtool", "check", "metrics"], input: exposition)
        XCTAssertEqual(lint.status, 0, "promtool check metrics: \(lint.stdout)\(lint.stderr)")
        XCTAssertEqual(curl("http://\(Self.metricsAddress)/healthz").stdout, "ok\n")

        // What Prometheus stored from its scrapes.
        let up = value("up{job=\"tracemap\"} == 1")
        XCTAssertEqual(up, 1, "Prometheus never scraped the exporter\n\(logs())")
        guard up == 1 else { return }
        let target = "target=\"\(SimulatedPath.target4)\""
        XCTAssertEqual(value("tracemap_target_reachable{\(target)}"), 1)
        XCTAssertEqual(value("tracemap_target_path_length{\(target)}"), 8, "seven routers and the destination")
        XCTAssertEqual(waitFor("tracemap_build_info").count, 1)
        // The destination answers after 45 ms (a little more through the simulator).
        let mean = value("tracemap_hop_rtt_mean_seconds{\(target),ttl=\"8\"}") ?? 0
        XCTAssertGreaterThan(mean, 0.040)
        XCTAssertLessThan(mean, 0.5)
        let median = value("histogram_quantile(0.5, tracemap_hop_rtt_seconds_bucket{\(target),ttl=\"8\"})") ?? 0
        XCTAssertGreaterThan(median, 0.025, "the median lies in the 25–50 ms bucket")
        XCTAssertLessThanOrEqual(median, 0.1)
        XCTAssertGreaterThan(value("tracemap_hop_probes_sent_total{\(target),ttl=\"1\"}") ?? 0, 0)
        XCTAssertEqual(value("tracemap_hop_loss_ratio{\(target),ttl=\"8\"}"), 0)
        XCTAssertEqual(waitFor("tracemap_hop_responder_info{\(target),ttl=\"3\"}").map { $0.0["responder"] },
                       ["198.51.100.3"])
        XCTAssertEqual(query("tracemap_target_route_changes_total{\(target)}").first?.1, 0)
        let pathID = value("tracemap_target_path_id{\(target)}")
        XCTAssertNotNil(pathID)
        XCTAssertNotEqual(pathID, 0)

        // A detour at hop 3: the counter and the path id move, and the README's rule fires.
        try simulated.update(try scenario(detour: true))
        let changes = waitFor("tracemap_target_route_changes_total{\(target)} >= 1")
        XCTAssertEqual(changes.first?.1, 1, logs())
        XCTAssertNotEqual(query("tracemap_target_path_id{\(target)}").first?.1, pathID)
        XCTAssertEqual(waitFor("tracemap_hop_responder_info{\(target),ttl=\"3\",responder=\"198.51.100.133\"}").count, 1)
        var alerts: [String] = []
        let alertDeadline = Date().addingTimeInterval(30)
        while Date() < alertDeadline {
            alerts = firingAlerts()
            if alerts.contains("TracemapRouteChanged") { break }
            usleep(500_000)
        }
        XCTAssertTrue(alerts.contains("TracemapRouteChanged"), "firing: \(alerts)\n\(logs())")
    }

    /// The rules file the README shows is valid Prometheus syntax.
    func testTheAlertingRulesCheck() throws {
        let result = Shell.run(["promtool", "check", "rules", Self.rulesFile.path])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("SUCCESS: 3 rules found"), result.stdout)
    }

    /// A taken port is one line and exit status 5, before any probe is sent.
    func testABusyPortIsOneLineAndStatus5() throws {
        let simulated = try SimulatedPath(scenario: try scenario(detour: false))
        path = simulated
        let first = try simulated.namespace.spawn(
            [Shell.tracemapBinary, "watch", "--metrics", Self.metricsAddress, SimulatedPath.target4])
        processes.append(first)
        var serving = false
        for _ in 0..<100 where !serving {
            serving = curl("http://\(Self.metricsAddress)/healthz").stdout == "ok\n"
            if !serving { usleep(100_000) }
        }
        XCTAssertTrue(serving)
        let second = simulated.run(["watch", "-c", "1", "--metrics", Self.metricsAddress, SimulatedPath.target4])
        XCTAssertEqual(second.status, 5)
        let lines = second.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, second.stderr)
        XCTAssertTrue(second.stderr.hasPrefix("tracemap: cannot serve metrics on 127.0.0.1:9469"), second.stderr)
        let bad = simulated.run(["watch", "-c", "1", "--metrics", "nowhere", SimulatedPath.target4])
        XCTAssertEqual(bad.status, 64)
    }
}

/// contrib/tracemap-watch@.service as systemd reads it: `systemd-analyze verify` on an instance of the template,
/// its binary path pointed at the built tracemap.
final class ServiceUnitTests: XCTestCase {
    static let unitFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("contrib/tracemap-watch@.service")

    func testTheUnitVerifies() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"),
                          "systemd-analyze is not installed")
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: Shell.tracemapBinary),
                          "tracemap is not built at \(Shell.tracemapBinary)")
        let text = try String(contentsOf: Self.unitFile, encoding: .utf8)
        for setting in ["DynamicUser=yes", "AmbientCapabilities=CAP_NET_RAW", "StateDirectory=tracemap",
                        "ExecStart=/usr/local/bin/tracemap watch --record ${STATE_DIRECTORY}/%i.jsonl"] {
            XCTAssertTrue(text.contains(setting), setting)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let instance = directory.appendingPathComponent("tracemap-watch@example.net.service")
        try Data(text.replacingOccurrences(of: "/usr/local/bin/tracemap", with: Shell.tracemapBinary).utf8)
            .write(to: instance)
        // --man=no: the man page is installed by scripts/install.sh, not present in a build tree.
        let result = Shell.run(["systemd-analyze", "verify", "--man=no", instance.path])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertEqual(result.stderr, "", "systemd-analyze warns: \(result.stderr)")
    }
}
