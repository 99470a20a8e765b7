#!/usr/bin/env bash
# One-shot trace speed and RTT accuracy on the simulator path (6 hops, hop 4 silent, destination 42 ms),
# tracemap against traceroute and mtr in the same run. Root only; everything runs in a namespace it makes.
#   bench/trace-bench.sh [runs]     (TRACEMAP_BIN=path skips the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
. bench/lib.sh
bin=$(bench_binary)
ns=tm-bench-$$

# No jitter on this path, so any RTT error is tracemap's own.
# The benchmark path: 6 hops, hop 4 silent, destination 42 ms, no jitter.
sim_up "$ns" bench/benchmark-path.json "$bin"

target=203.0.113.10
# Median wall time of a command over $runs runs, in seconds.
time_it() {
  python3 - "$runs" "$@" <<'PY'
import subprocess, sys, time, statistics
runs, cmd = int(sys.argv[1]), sys.argv[2:]
times = []
for _ in range(runs):
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append(time.perf_counter() - start)
print(f"{statistics.median(times):.4f}")
PY
}
in_ns() { echo ip netns exec "$ns" "$@"; }
t_tracemap=$(time_it $(in_ns "$bin" trace -n -q 1 "$target"))
t_traceroute=$(time_it $(in_ns traceroute -n -q 1 "$target"))
t_mtr=$(time_it $(in_ns mtr -n -r -c 1 "$target"))

# Every hop right: the responders tracemap reports per TTL against the path above.
ip netns exec "$ns" "$bin" trace -n -q 3 --json "$target" >"$work/trace.json"
python3 - "$work/trace.json" "$t_tracemap" "$t_traceroute" "$t_mtr" <<'PY'
import json, sys, statistics
doc = json.load(open(sys.argv[1]))
t_tm, t_tr, t_mtr = map(float, sys.argv[2:5])
expected = {1: ("198.51.100.1", 1), 2: ("198.51.100.2", 5), 3: ("198.51.100.3", 11), 4: (None, 18),
            5: ("198.51.100.5", 27), 6: ("198.51.100.6", 35), 7: ("203.0.113.10", 42)}
hops = {h["ttl"]: [r["address"] for r in h["responders"]] for h in doc["hops"]}
right = all(hops.get(ttl) == ([addr] if addr else []) for ttl, (addr, _) in expected.items())
errors = [abs(p["rtt"] - expected[p["ttl"]][1]) for p in doc["probes"] if p["result"] == "reply"]
print(f"path: 6 hops, hop 4 silent, destination 42 ms (simulator on TUN); median of runs each")
print(f"tracemap trace -n -q 1   {t_tm*1000:8.1f} ms")
print(f"traceroute -n -q 1       {t_tr*1000:8.1f} ms   tracemap/traceroute = {t_tm/t_tr:.2f}")
print(f"mtr -n -r -c 1           {t_mtr*1000:8.1f} ms   tracemap/mtr        = {t_tm/t_mtr:.2f}")
print(f"every hop right: {'yes' if right else 'NO: ' + str(hops)}")
print(f"median |measured - configured| RTT: {statistics.median(errors):.3f} ms over {len(errors)} replies "
      f"(max {max(errors):.3f} ms)")
PY
