#!/usr/bin/env bash
# Enrichment cost: (a) GeoIP lookups per second through tracemap's Enricher (`tracemap-lab bench geoip`) next to
# libmaxminddb's own `mmdblookup --benchmark`; (b) the wall time a one-shot `tracemap trace` gains from
# enrichment on the simulator path (6 hops, hop 4 silent, destination 42 ms): reverse DNS and Team Cymru AS
# records from a dnsmasq inside the namespace, locations from a test database, with a warm lookup cache — against
# `-n --profile offline` and no database. Root only; everything runs in a namespace it makes.
#   bench/enrich-bench.sh [runs] [lookups]     (default 20 runs, 200000 lookups; TRACEMAP_BIN=path skips the build)
# The GeoIP database of (a) is the DB-IP City Lite that scripts/install-geoip.sh installs when it is there, else
# (or with GEOIP_MMDB=test) the test database of scripts/make-test-mmdb.pl; (b) always uses the test database,
# the only one with locations for documentation addresses.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
lookups=${2:-200000}
. bench/lib.sh
bin=$(bench_binary)
ns=tm-ebench-$$
port=5353
target=203.0.113.10

perl scripts/make-test-mmdb.pl city "$work/city.mmdb"
data_home=${XDG_DATA_HOME:-}
[[ "$data_home" == /* ]] || data_home="$HOME/.local/share"
installed="$data_home/tracemap/dbip-city-lite.mmdb"
if [ "${GEOIP_MMDB:-}" != "test" ] && [ -s "$installed" ]; then
  geo_db=$installed
  geo_kind="DB-IP City Lite installed by scripts/install-geoip.sh"
else
  geo_db=$work/city.mmdb
  geo_kind="test database from scripts/make-test-mmdb.pl (4 networks: the documentation ranges)"
fi

# (a) Lookups per second.
echo "== GeoIP lookups: $geo_kind"
"$(lab_binary "$bin")" bench geoip --mmdb "$geo_db" --count "$lookups"
if command -v mmdblookup >/dev/null; then
  # mmdblookup draws random IPv4 addresses and decodes each found record whole (MMDB_get_entry_data_list).
  echo "mmdblookup --benchmark $lookups (libmaxminddb's reference, random IPv4):"
  mmdblookup --file "$geo_db" --benchmark "$lookups" | sed '/^[[:space:]]*$/d; s/^[[:space:]]*/  /'
else
  echo "mmdblookup: not installed (Debian mmdb-bin); no reference figure"
fi

# (b) Added wall time of a one-shot trace.
# The benchmark path: 6 hops, hop 4 silent, destination 42 ms, no jitter.
sim_up "$ns" bench/benchmark-path.json "$bin"

# A PTR record for every hop and Team Cymru's TXT records (origin, AS name) as the enrichment tests serve them.
python3 - "$work/dnsmasq.conf" <<'PY'
import sys
hops = {f"198.51.100.{n}": (f"hop{n}.ams.example.net", 64501, "198.51.100.0/24") for n in range(1, 7)}
hops["203.0.113.10"] = ("dest.nyc.example.net", 64502, "203.0.113.0/24")
names = {64501: "EXAMPLE-AMS Example Amsterdam, NL", 64502: "EXAMPLE-NYC Example New York, US"}
lines = []
for address, (name, asn, prefix) in hops.items():
    reverse = ".".join(reversed(address.split(".")))
    lines.append(f"ptr-record={reverse}.in-addr.arpa,{name}")
    lines.append(f'txt-record={reverse}.origin.asn.cymru.com,"{asn} | {prefix} | ZZ | other | 2001-01-01"')
for asn, name in names.items():
    lines.append(f'txt-record=AS{asn}.asn.cymru.com,"{asn} | ZZ | other | 2001-01-01 | {name}"')
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
ip netns exec "$ns" dnsmasq -k -C "$work/dnsmasq.conf" --no-resolv --no-hosts --listen-address=127.0.0.1 \
  --bind-interfaces --port="$port" --user=root --log-queries --log-facility="$work/dnsmasq.log" --pid-file= \
  --local=/arpa/ --local=/cymru.com/ >/dev/null 2>&1 &
# The clean-up kills it with the namespace; disowned, so bash does not report that kill.
disown
for _ in $(seq 50); do grep -qs "started, version" "$work/dnsmasq.log" && break; sleep 0.1; done
grep -qs "started, version" "$work/dnsmasq.log" || { echo "enrich-bench: dnsmasq did not start" >&2; exit 1; }
queries() { grep -c "query\[" "$work/dnsmasq.log" || true; }

# Both variants run with the same environment; an empty XDG_DATA_HOME keeps any installed database out of the
# plain run.
mkdir -p "$work/data"
environment=(env "TRACEMAP_RESOLVER=127.0.0.1:$port" "TRACEMAP_CACHE_DIR=$work/cache" "XDG_DATA_HOME=$work/data")
plain=(ip netns exec "$ns" "${environment[@]}" "$bin" trace -q 1 -n --profile offline "$target")
enriched=(ip netns exec "$ns" "${environment[@]}" "$bin" trace -q 1 --lab --geoip-mmdb "$work/city.mmdb" "$target")
# The local database alone, no DNS and so no cache: splits the added time between GeoIP and the cached lookups.
geo_only=(ip netns exec "$ns" "${environment[@]}" "$bin" trace -q 1 --lab --profile offline --geoip-mmdb "$work/city.mmdb"
          "$target")

# The first enriched run fills the cache; its table must show names, AS and places, or the figures mean nothing.
cold_start=$(date +%s.%N)
"${enriched[@]}" >"$work/first.txt" 2>"$work/first.err"
cold_end=$(date +%s.%N)
warm_queries_before=$(queries)
if ! grep -q "hop1.ams.example.net" "$work/first.txt" || ! grep -q "Amsterdam" "$work/first.txt"; then
  echo "enrich-bench: the enriched trace shows no names or places:" >&2
  cat "$work/first.txt" "$work/first.err" >&2
  exit 1
fi

# Interleaved, so load from other work on the machine falls on both variants alike.
python3 - "$runs" "$work/first.txt" "$cold_start" "$cold_end" "$warm_queries_before" \
  "$(printf '%q ' "${plain[@]}")" "$(printf '%q ' "${enriched[@]}")" "$(printf '%q ' "${geo_only[@]}")" \
  <<'PY' >"$work/times.txt"
import shlex, statistics, subprocess, sys, time
runs = int(sys.argv[1])
variants = (("plain", shlex.split(sys.argv[6])), ("enriched", shlex.split(sys.argv[7])),
            ("geo", shlex.split(sys.argv[8])))
times = {name: [] for name, _ in variants}
failures = 0
for _ in range(runs):
    for name, command in variants:
        start = time.perf_counter()
        status = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        times[name].append(time.perf_counter() - start)
        failures += status != 0
def quartiles(values):
    q = statistics.quantiles(values, n=4)
    return q[0] * 1000, statistics.median(values) * 1000, q[2] * 1000
p25, plain_median, p75 = quartiles(times["plain"])
e25, enriched_median, e75 = quartiles(times["enriched"])
g25, geo_median, g75 = quartiles(times["geo"])
added = enriched_median - plain_median
cold = (float(sys.argv[4]) - float(sys.argv[3])) * 1000
print(f"path: 6 hops, hop 4 silent, destination 42 ms (simulator on TUN); {runs} runs each, interleaved; "
      f"median (p25-p75)")
print(f"trace -q 1 -n --profile offline, no database       {plain_median:7.1f} ms  ({p25:.1f}-{p75:.1f})")
print(f"trace -q 1 --lab --geoip-mmdb test, warm cache     {enriched_median:7.1f} ms  ({e25:.1f}-{e75:.1f})")
print(f"trace -q 1 --lab --profile offline --geoip-mmdb test {geo_median:7.1f} ms  ({g25:.1f}-{g75:.1f})")
print(f"added by enrichment, warm cache: {added:+.1f} ms (target under 10 ms: {'met' if added < 10 else 'MISSED'}); "
      f"by the GeoIP database alone: {geo_median - plain_median:+.1f} ms")
print(f"first enriched run, cold cache ({sys.argv[5]} DNS queries to dnsmasq): {cold:.1f} ms")
print(f"runs that exited non-zero: {failures}")
PY
cat "$work/times.txt"
echo "DNS queries during the timed runs: $(( $(queries) - warm_queries_before )) (0 means every answer came from the cache)"
echo "the enriched table of the first run (names from dnsmasq, AS from Team Cymru-style TXT records, places from the test .mmdb):"
cat "$work/first.txt"
