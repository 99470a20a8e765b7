#!/usr/bin/env python3
"""A stand-in for the Globalping, RIPE Atlas and Cloudflare traceroute APIs, for tracemap's tests.

Listens on 127.0.0.1 only and speaks each API as its documentation describes:
  Globalping  POST /v1/measurements -> 202 + Location + X-RateLimit-*; GET /v1/measurements/{id} in-progress ->
              finished, ETag / If-None-Match -> 304, 429 + Retry-After when polled faster than 2/s,
              errors as {"error": {"type", "message"}}.
  RIPE Atlas  POST /api/v2/measurements/ -> 201 {"measurements": [id]}; GET /api/v2/measurements/{id}/ status
              Specified -> Ongoing -> Stopped; /results/ and /latest/ filling up; /api/v2/probes/?id__in=;
              errors as {"error": {"status", "code", "title", "detail", "errors"}}.
  Cloudflare  POST /client/v4/accounts/{id}/diagnostics/traceroute -> {"success", "errors", "messages", "result"},
              per-colo "Could not gather traceroute data: Code 2".

Behaviour is chosen by the request, so one server serves every test at once:
  target "limit.example"    Globalping 429 with X-RateLimit-Remaining: 0 (the hourly limit is spent)
  target "flaky.example"    the first request for it answers 503 (then it works)
  target "garbage.example"  200/202 with a body that is not JSON
  target "limit-later.example"  the first measurement works, repeats (watch rounds) get the 429
  target "busy.example"     Atlas answers the first results request, Cloudflare the first POST, with 429 + Retry-After: 1
  target "flap.example"     measurements that reuse an earlier one's probes see a new hop 2 (a route change)
  target "echo.example"     a 400 whose message echoes the request's Authorization header (secret handling)
  location "Atlantis"       Globalping 422 no_probes_found
  token/key "invalid-token" 401/403 in the engine's own envelope
  Atlas country "AQ"        measurement status "No suitable probes"
  Cloudflare colo "PEK"     per-colo error "Could not gather traceroute data: Code 2"
  Atlas measurement 5001    a public periodic traceroute in the archive (3 probes, 2 rounds)

Usage: remote_standin.py --port-file FILE [--log FILE]   (writes the port it listens on to FILE)
Each request is logged as one JSON line (method, path, headers, body) when --log is given.
"""
import argparse
import hashlib
import itertools
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qs

LOCK = threading.Lock()
COUNTER = itertools.count(1)
GP = {}          # Globalping measurements: id -> dict
ATLAS = {}       # Atlas measurements: id -> dict
FLAKY = set()    # (engine, target) pairs that already failed once
BUSY = set()     # (engine, target) pairs that were already told to wait
LOG = None
RESOLVED = {"v6.example": "2001:db8::10"}

# Vantage points: Globalping probes (by magic word), Atlas probes, Cloudflare colos. Paths use documentation
# addresses (RFC 5737, RFC 3849) and ASNs (RFC 5398).
GP_PROBES = {
    "frankfurt": [dict(continent="EU", region="Western Europe", country="DE", state=None, city="Frankfurt",
                       asn=64496, longitude=8.68, latitude=50.11, network="Example Telecom AG",
                       tags=["eyeball-network"], resolvers=["private"])],
    "tokyo": [dict(continent="AS", region="Eastern Asia", country="JP", state=None, city="Tokyo", asn=64500,
                   longitude=139.69, latitude=35.69, network="Example KK", tags=["datacenter-network"],
                   resolvers=["private"]),
              dict(continent="AS", region="Eastern Asia", country="JP", state=None, city="Osaka", asn=64501,
                   longitude=135.50, latitude=34.69, network="Example Cable", tags=[], resolvers=["private"])],
    # Hostile text: terminal escapes in the place, the network and a hop's name must never reach a terminal raw.
    "hostile": [dict(continent="EU", region="Western Europe", country="NL", state=None,
                     city="Amster\u001b[2Jdam", asn=64505, longitude=4.9, latitude=52.4,
                     network="Evil\u001b]0;pwned\u0007 Net", tags=[], resolvers=["private"])],
    "sao paulo": [dict(continent="SA", region="South America", country="BR", state=None, city="São Paulo",
                       asn=64502, longitude=-46.63, latitude=-23.55, network="Exemplo Telecom S.A.", tags=[],
                       resolvers=["private"])],
}
GP_PATHS = {  # city -> [(address, asn, rtt)] ; None = no reply at that hop; the target is appended if reached
    "Amster\u001b[2Jdam": ([("192.0.2.33", 64505, 1.0)], True, 5.0),
    "Frankfurt": ([("192.0.2.1", 64496, 0.8), ("198.51.100.1", 64497, 4.1), ("198.51.100.9", 64499, 9.7)], True, 12.3),
    "Tokyo": ([("192.0.2.65", 64500, 0.5), ("198.51.100.65", 64501, 2.2), None, ("198.51.100.9", 64499, 150.2)],
              True, 152.8),
    "São Paulo": ([("192.0.2.129", 64502, 1.1), ("198.51.100.129", 64502, 20.5), None, None], False, None),
}
ATLAS_PROBES = {
    6001: dict(id=6001, country_code="NL", asn_v4=64510, asn_v6=64510, address_v4="192.0.2.201",
               geometry={"type": "Point", "coordinates": [4.89, 52.37]}, status={"id": 1, "name": "Connected"},
               description="Amsterdam home probe"),
    6002: dict(id=6002, country_code="US", asn_v4=64511, asn_v6=None, address_v4="192.0.2.202",
               geometry={"type": "Point", "coordinates": [-122.42, 37.77]}, status={"id": 1, "name": "Connected"},
               description="San Francisco"),
    6003: dict(id=6003, country_code="ZA", asn_v4=64509, asn_v6=None, address_v4="192.0.2.203",
               geometry={"type": "Point", "coordinates": [18.42, -33.92]}, status={"id": 2, "name": "Disconnected"},
               description="Cape Town"),
    6004: dict(id=6004, country_code="AR", asn_v4=64508, asn_v6=None, address_v4="192.0.2.204",
               geometry={"type": "Point", "coordinates": [-58.38, -34.60]}, status={"id": 2, "name": "Disconnected"},
               description="Buenos Aires"),
}
ATLAS_PATHS = {
    6001: [("192.0.2.1", 0.9), ("198.51.100.1", 3.8), ("198.51.100.9", 8.8), ("TARGET", 11.9)],
    6002: [("192.0.2.70", 1.2), ("198.51.100.33", 30.1), None, ("198.51.100.9", 70.4), ("TARGET", 72.0)],
    6003: [None, None, None],   # a path that answers nothing past the probe
    # 6004 is scheduled but offline: it never sends a result
}
CF_COLOS = {"FRA": "Frankfurt", "SIN": "Singapore", "GRU": "São Paulo", "PEK": "Beijing"}
CF_PATHS = {
    "FRA": [("192.0.2.1", "AS64496", 0.4), ("198.51.100.9", "AS64499", 5.2), ("TARGET", "AS64511", 6.0)],
    "SIN": [("192.0.2.97", "AS64503", 0.3), None, ("198.51.100.9", "AS64499", 160.4), ("TARGET", "AS64511", 161.2)],
    "GRU": [("192.0.2.161", "AS64504", 0.6), ("198.51.100.161", "AS64505", 110.0)],
}


def resolve(target):
    if re.fullmatch(r"[0-9.]+", target) or ":" in target:
        return target
    return RESOLVED.get(target, "203.0.113.10")


def now():
    return time.time()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "remote-standin/1"

    def log_message(self, *args):
        pass

    # ---- plumbing ----
    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send(self, status, body=None, headers=None, raw=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, str(value))
        if data or status not in (204, 304):
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def record(self, body):
        if LOG is None:
            return
        line = json.dumps({"method": self.command, "path": self.path, "headers": dict(self.headers.items()),
                           "body": body.decode("utf-8", "replace"), "time": now()})
        with LOCK:
            with open(LOG, "a") as f:
                f.write(line + "\n")

    def do_GET(self):
        self.dispatch(b"")

    def do_POST(self):
        self.dispatch(self.read_body())

    def dispatch(self, body):
        self.record(body)
        path = urlsplit(self.path).path
        try:
            if path.startswith("/v1/"):
                return self.globalping(path, body)
            if path.startswith("/api/v2/"):
                return self.atlas(path, body)
            if path.startswith("/client/v4/"):
                return self.cloudflare(path, body)
            self.send(404, {"error": "not found"})
        except Exception as error:  # a stand-in bug shows as a 500 the client must report, never a hang
            self.send(500, {"error": {"type": "api_error", "message": "stand-in failure: %s" % error}})

    def busy_once(self, engine, target):
        with LOCK:
            if target == "busy.example" and (engine, target) not in BUSY:
                BUSY.add((engine, target))
                return True
        return False

    def flaky_once(self, engine, target):
        with LOCK:
            if target == "flaky.example" and (engine, target) not in FLAKY:
                FLAKY.add((engine, target))
                return True
        return False

    # ---- Globalping ----
    def gp_error(self, status, kind, message, headers=None):
        self.send(status, {"error": {"type": kind, "message": message}}, headers)

    def globalping(self, path, body):
        auth = self.headers.get("Authorization")
        if auth == "Bearer invalid-token":
            return self.gp_error(401, "unauthorized", "Invalid access token.")
        # A self-hosted instance with a high limit: watch rounds may follow each other quickly.
        hourly = 100000 if auth == "Bearer bulk-token" else 500 if auth else 250
        limits = {"X-RateLimit-Limit": hourly, "X-RateLimit-Consumed": 0,
                  "X-RateLimit-Remaining": 0, "X-RateLimit-Reset": 2400}
        if self.command == "POST" and path == "/v1/measurements":
            try:
                request = json.loads(body)
            except ValueError:
                return self.gp_error(400, "validation_error", "Invalid JSON body.")
            target = request.get("target", "")
            if target == "echo.example":
                return self.gp_error(400, "validation_error", "Rejected request with header %s" % auth)
            if self.flaky_once("globalping", target):
                return self.send(503, raw=b"<html>Service Unavailable</html>")
            if target == "limit.example" or (target == "limit-later.example"
                                             and isinstance(request.get("locations"), str)):
                return self.gp_error(429, "rate_limit_exceeded", "API rate limit exceeded.", limits)
            if request.get("type") not in ("traceroute", "mtr"):
                return self.gp_error(400, "validation_error", "Parameter validation failed.")
            locations = request.get("locations") or [{"magic": "world"}]
            probes = []
            if isinstance(locations, str):  # the id of an earlier measurement: the same probes again
                with LOCK:
                    earlier = GP.get(locations)
                if earlier is None:
                    return self.gp_error(422, "no_probes_found", "Measurement %s not found or expired." % locations)
                probes = list(earlier["probes"])
                locations = []
            for location in locations:
                magic = (location.get("magic") or "").lower()
                found = GP_PROBES.get(magic)
                if found is None and magic == "world":
                    found = [p[0] for p in GP_PROBES.values()]
                if not found:
                    continue
                probes += found[: int(location.get("limit", 1))]
            if not probes:
                return self.gp_error(422, "no_probes_found", "No suitable probes found.")
            mid = "gp%04d" % next(COUNTER)
            with LOCK:
                GP[mid] = dict(request=request, probes=probes, polls=0, last=0.0, created=now(),
                               repeat=isinstance(request.get("locations"), str))
            base = "http://%s" % self.headers.get("Host")
            limits.update({"X-RateLimit-Consumed": len(probes), "X-RateLimit-Remaining": hourly - 7 - len(probes)})
            headers = dict(limits, Location="%s/v1/measurements/%s" % (base, mid))
            if target == "garbage.example":
                return self.send(202, raw=b"this is not json", headers=headers)
            return self.send(202, {"id": mid, "probesCount": len(probes)}, headers)
        match = re.fullmatch(r"/v1/measurements/([A-Za-z0-9]+)", path)
        if self.command == "GET" and match:
            mid = match.group(1)
            with LOCK:
                m = GP.get(mid)
                if m is None:
                    return self.gp_error(404, "not_found", "Couldn't find the requested item.")
                # The documented limit: at most 2 requests per second per measurement.
                too_fast = now() - m["last"] < 0.45
                m["last"] = now()
                if too_fast:
                    m["too_fast"] = m.get("too_fast", 0) + 1
                    return self.gp_error(429, "too_many_requests", "Too many requests.", {"Retry-After": 1})
                m["polls"] += 1
                polls = m["polls"]
            if m["request"]["target"] == "flaky.example" and polls == 1:
                return self.send(500, raw=b"oops")
            finished = polls >= 3
            doc = gp_measurement(mid, m, finished)
            data = json.dumps(doc, ensure_ascii=False).encode()
            etag = '"%s"' % hashlib.sha1(data).hexdigest()
            if self.headers.get("If-None-Match") == etag:
                return self.send(304, headers={"ETag": etag})
            return self.send(200, raw=data, headers={"ETag": etag})
        if path == "/v1/limits":
            return self.send(200, {"rateLimit": {"measurements": {"create": {"type": "ip", "limit": 250,
                                                                             "remaining": 243, "reset": 2400}}}})
        self.gp_error(404, "not_found", "Couldn't find the requested item.")

    # ---- RIPE Atlas ----
    def atlas_error(self, status, title, detail, errors=None):
        error = {"status": status, "code": 104 if status == 403 else 102, "title": title, "detail": detail}
        if errors:
            error["errors"] = errors
        self.send(status, {"error": error})

    def atlas(self, path, body):
        auth = self.headers.get("Authorization")
        query = parse_qs(urlsplit(self.path).query)
        if self.command == "POST" and path == "/api/v2/measurements/":
            if not auth:
                return self.atlas_error(403, "Forbidden", "Authentication credentials were not provided.")
            if auth == "Key invalid-token":
                return self.atlas_error(403, "Forbidden", "The provided API key does not exist.")
            try:
                request = json.loads(body)
                definition = request["definitions"][0]
                probes = request["probes"]
            except (ValueError, KeyError, IndexError, TypeError):
                return self.atlas_error(400, "Bad Request", "There were problems with your request",
                                        [{"source": {"pointer": "/definitions"}, "detail": "This field is required."}])
            target = definition.get("target", "")
            if target == "echo.example":
                return self.atlas_error(400, "Bad Request", "Rejected %s" % auth)
            if self.flaky_once("atlas", target):
                return self.send(502, raw=b"Bad Gateway")
            if definition.get("type") != "traceroute" or request.get("is_oneoff") is not True:
                return self.atlas_error(400, "Bad Request", "The stand-in only runs one-off traceroutes")
            chosen = []
            nosuitable = False
            for spec in probes:
                if spec.get("type") == "country" and spec.get("value") == "AQ":
                    nosuitable = True
                    continue
                if spec.get("type") == "probes":
                    chosen += [int(p) for p in str(spec["value"]).split(",") if int(p) in ATLAS_PROBES]
                else:
                    chosen += sorted(ATLAS_PROBES)[: int(spec.get("requested", 1))]
            mid = 90000 + next(COUNTER)
            with LOCK:
                ATLAS[mid] = dict(definition=definition, probes=sorted(set(chosen)), polls=0, oneoff=True,
                                  nosuitable=nosuitable and not chosen, created=int(now()))
            return self.send(201, {"measurements": [mid]})
        match = re.fullmatch(r"/api/v2/measurements/(\d+)/(results/|latest/)?", path)
        if self.command == "GET" and match:
            mid = int(match.group(1))
            m = ATLAS.get(mid) or archive(mid)
            if m is None:
                return self.atlas_error(404, "Not Found", "No Measurement matches the given query.")
            if match.group(2) is None:
                with LOCK:
                    m["polls"] += 1
                return self.send(200, atlas_measurement(mid, m))
            if self.busy_once("atlas", m["definition"].get("target")):
                self.send(429, {"error": {"status": 429, "code": 429, "title": "Too Many Requests",
                                          "detail": "Request was throttled."}}, {"Retry-After": 1})
                return
            results = atlas_results(mid, m)
            if "probe_ids" in query:
                wanted = {int(p) for p in query["probe_ids"][0].split(",") if p}
                results = [r for r in results if r["prb_id"] in wanted]
            if "start" in query:
                results = [r for r in results if r["timestamp"] >= int(query["start"][0])]
            if "stop" in query:
                results = [r for r in results if r["timestamp"] <= int(query["stop"][0])]
            if match.group(2) == "latest/":
                latest = {}
                for r in results:
                    latest[r["prb_id"]] = r
                results = list(latest.values())
            if m["definition"].get("target") == "garbage.example":
                return self.send(200, raw=b"[{\"truncated\": ")
            return self.send(200, results)
        if self.command == "GET" and path == "/api/v2/probes/":
            ids = [int(p) for p in query.get("id__in", [""])[0].split(",") if p]
            found = [ATLAS_PROBES[i] for i in ids if i in ATLAS_PROBES]
            return self.send(200, {"count": len(found), "next": None, "previous": None, "results": found})
        self.atlas_error(404, "Not Found", "Not found.")

    # ---- Cloudflare ----
    def cf_error(self, status, code, message):
        self.send(status, {"success": False, "errors": [{"code": code, "message": message}], "messages": [],
                           "result": None})

    def cloudflare(self, path, body):
        match = re.fullmatch(r"/client/v4/accounts/([A-Za-z0-9]{1,32})/diagnostics/traceroute", path)
        if not match or self.command != "POST":
            return self.cf_error(404, 7000, "No route for that URI")
        auth = self.headers.get("Authorization")
        if not auth:
            return self.cf_error(401, 10001, "Unable to authenticate request")
        if auth == "Bearer invalid-token":
            return self.cf_error(403, 10000, "Authentication error")
        try:
            request = json.loads(body)
            targets = request["targets"]
        except (ValueError, KeyError, TypeError):
            return self.cf_error(400, 1001, "Invalid request body: targets is required")
        if not isinstance(targets, list) or not 1 <= len(targets) <= 10:
            return self.cf_error(400, 1001, "targets: must hold 1 to 10 hosts")
        if "echo.example" in targets:
            return self.cf_error(400, 1001, "Rejected %s" % auth)
        if "garbage.example" in targets:
            return self.send(200, raw=b"{\"success\": true, \"result\": ")
        if self.busy_once("cloudflare", targets[0]):
            return self.send(429, {"success": False, "errors": [{"code": 971, "message": "Please wait and consider throttling your request speed"}],
                                   "messages": [], "result": None}, {"Retry-After": 1})
        if self.flaky_once("cloudflare", targets[0]):
            return self.send(503, raw=b"<html>503</html>")
        options = request.get("options") or {}
        packets = int(options.get("packets_per_ttl", 3))
        max_ttl = int(options.get("max_ttl", 15))
        colos = [c.upper() for c in (request.get("colos") or ["FRA", "SIN", "GRU"])]
        result = []
        for target in targets:
            entries = []
            for colo in colos:
                entry = {"colo": {"name": colo, "city": CF_COLOS.get(colo, "")}}
                if colo not in CF_PATHS:
                    entry.update(error="Could not gather traceroute data: Code 2", hops=[], traceroute_time_ms=0)
                else:
                    entry.update(error="", hops=cf_hops(CF_PATHS[colo], target, packets, max_ttl),
                                 traceroute_time_ms=1520, target_summary={})
                entries.append(entry)
            result.append({"target": target, "colos": entries})
        self.send(200, {"success": True, "errors": [], "messages": [], "result": result})


def gp_measurement(mid, m, finished):
    request = m["request"]
    target = request["target"]
    address = resolve(target)
    mtr = request["type"] == "mtr"
    packets = int((request.get("measurementOptions") or {}).get("packets", 3)) if mtr else 2
    results = []
    for index, probe in enumerate(m["probes"]):
        if not finished:
            result = {"status": "in-progress", "rawOutput": ""}
        elif probe["city"] == "Osaka":
            result = {"status": "failed", "rawOutput": "traceroute: connect: Network is unreachable"}
        else:
            hops, reached, final_rtt = GP_PATHS[probe["city"]]
            if target == "flap.example" and m.get("repeat") and len(hops) > 1 and hops[1]:
                hops = [hops[0], ("198.51.100.222", hops[1][1], hops[1][2] + 1.0)] + hops[2:]
            out = []
            for ttl, hop in enumerate(hops + ([(address, 64511, final_rtt)] if reached else []), start=1):
                out.append(gp_hop(hop, packets, mtr))
            raw = "\n".join("%2d  %s" % (i + 1, h["resolvedAddress"] or "*") for i, h in enumerate(out))
            result = {"status": "finished", "rawOutput": raw, "resolvedAddress": address,
                      "resolvedHostname": address, "hops": out}
        results.append({"probe": probe, "result": result})
    return {"id": mid, "type": request["type"], "status": "finished" if finished else "in-progress",
            "createdAt": "2026-11-29T20:00:00.000Z", "updatedAt": "2026-11-29T20:00:02.000Z", "target": target,
            "probesCount": len(m["probes"]), "locations": request.get("locations"),
            "measurementOptions": request.get("measurementOptions"), "results": results}


def gp_hop(hop, packets, mtr):
    if hop is None:
        if mtr:
            return {"resolvedAddress": None, "resolvedHostname": None, "asn": [], "timings": [],
                    "stats": {"min": 0, "avg": 0, "max": 0, "stDev": 0, "jMin": 0, "jAvg": 0, "jMax": 0,
                              "total": packets, "rcv": 0, "drop": packets, "loss": 100}}
        return {"resolvedAddress": None, "resolvedHostname": None, "timings": []}
    address, asn, rtt = hop
    rtts = [round(rtt + 0.1 * i, 3) for i in range(packets)]
    name = "host-%s.example.net" % address.replace(".", "-").replace(":", "-")
    if address == "192.0.2.33":
        name = "evil\u001b[31m.example.net"
    if not mtr:
        return {"resolvedAddress": address, "resolvedHostname": name, "timings": [{"rtt": r} for r in rtts]}
    return {"resolvedAddress": address, "resolvedHostname": name, "asn": [asn], "timings": [{"rtt": r} for r in rtts],
            "stats": {"min": min(rtts), "avg": round(sum(rtts) / len(rtts), 3), "max": max(rtts), "stDev": 0.1,
                      "jMin": 0.1, "jAvg": 0.1, "jMax": 0.1, "total": packets, "rcv": packets, "drop": 0, "loss": 0}}


def archive(mid):
    """The public archive: measurement 5001, a periodic traceroute to 203.0.113.10 from probes 6001-6003."""
    if mid != 5001:
        return None
    with LOCK:
        if mid not in ATLAS:
            ATLAS[mid] = dict(definition={"target": "example.com", "af": 4, "protocol": "ICMP", "packets": 3},
                              probes=[6001, 6002, 6003], polls=0, oneoff=False, nosuitable=False,
                              created=1764000000, rounds=[1764000000, 1764000900])
        return ATLAS[mid]


def atlas_measurement(mid, m):
    polls = m["polls"]
    if m["nosuitable"]:
        status = {"id": 6, "name": "No suitable probes"}
    elif not m["oneoff"]:
        status = {"id": 2, "name": "Ongoing"}
    else:
        reporting = len([p for p in m["probes"] if p in ATLAS_PATHS])
        status = {"id": 0, "name": "Specified"} if polls < 2 else {"id": 2, "name": "Ongoing"} \
            if polls < 2 + reporting else {"id": 4, "name": "Stopped"}
    d = m["definition"]
    return {"id": mid, "type": "traceroute", "af": d.get("af", 4), "target": d.get("target"),
            "target_ip": resolve(d.get("target", "")), "protocol": d.get("protocol", "ICMP"),
            "is_oneoff": m["oneoff"], "is_public": True, "status": status, "probes_requested": len(m["probes"]),
            "probes_scheduled": 0 if polls < 2 and m["oneoff"] else len(m["probes"]),
            "is_all_scheduled": polls >= 2 or not m["oneoff"], "participant_count": len(m["probes"]),
            "credits_per_result": 60 if m["oneoff"] else 30, "interval": None if m["oneoff"] else 900,
            "result": "/api/v2/measurements/%d/results/" % mid}


def atlas_results(mid, m):
    d = m["definition"]
    if m["oneoff"]:
        # Results arrive one probe per status poll; probe 6004 is offline and never sends one.
        ready = [p for p in m["probes"] if p in ATLAS_PATHS][: max(0, m["polls"] - 1)]
        times = [m["created"] + 30]
    else:
        ready = m["probes"]
        times = m["rounds"]
    out = []
    for timestamp in times:
        for prb in ready:
            out.append(atlas_result(mid, prb, d, timestamp))
    return out


def atlas_result(mid, prb, d, timestamp):
    address = resolve(d.get("target", ""))
    packets = int(d.get("packets", 3))
    hops = []
    path = ATLAS_PATHS[prb]
    for ttl, hop in enumerate(path, start=1):
        if hop is None:
            replies = [{"x": "*"} for _ in range(packets)]
        else:
            src, rtt = hop
            src = address if src == "TARGET" else src
            replies = [{"from": src, "rtt": round(rtt + 0.2 * i, 3), "size": 68, "ttl": 250 - ttl}
                       for i in range(packets)]
        hops.append({"hop": ttl, "result": replies})
    if path[-1] is None:
        hops.append({"hop": 255, "result": [{"x": "*"} for _ in range(packets)]})
    probe = ATLAS_PROBES[prb]
    return {"af": d.get("af", 4), "dst_addr": address, "dst_name": d.get("target"), "endtime": timestamp + 20,
            "from": probe["address_v4"], "fw": 5080, "lts": 14, "msm_id": mid, "msm_name": "Traceroute",
            "paris_id": 1, "prb_id": prb, "proto": d.get("protocol", "ICMP"), "result": hops, "size": 48,
            "src_addr": "10.0.0.2", "timestamp": timestamp, "type": "traceroute"}


def cf_hops(path, target, packets, max_ttl):
    address = resolve(target)
    hops = []
    for ttl, hop in enumerate(path[:max_ttl], start=1):
        if hop is None:
            hops.append({"packets_ttl": ttl, "packets_sent": packets, "packets_lost": packets, "nodes": []})
            continue
        ip, asn, rtt = hop
        ip = address if ip == "TARGET" else ip
        hops.append({"packets_ttl": ttl, "packets_sent": packets, "packets_lost": 0,
                     "nodes": [{"asn": asn, "ip": ip, "name": ip, "packet_count": packets, "mean_rtt_ms": rtt + 0.1,
                                "min_rtt_ms": rtt, "max_rtt_ms": rtt + 0.2, "std_dev_rtt_ms": 0.1}]})
    return hops


def main():
    global LOG
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    parser.add_argument("--log")
    args = parser.parse_args()
    LOG = args.log
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    # A test process that dies without stopping the server (a crash) must not leave it running: exit when the
    # parent is gone (this process is then reparented).
    import os
    parent = os.getppid()

    def watch_parent():
        while True:
            time.sleep(1)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch_parent, daemon=True).start()
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(str(server.server_address[1]))
        os.rename(args.port_file + ".tmp", args.port_file)
    else:
        print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
