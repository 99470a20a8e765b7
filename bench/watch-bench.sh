#!/usr/bin/env bash
# The continuous monitor on the simulator path (7 hops, 0.3 ms jitter): CPU and memory per round against mtr
# doing the same rounds, memory after 5× more rounds (it must stay flat), and how fast a route change and an
# RTT spike injected mid-run are reported. Root only; everything runs in a namespace it makes.
#   bench/watch-bench.sh [rounds]     (default 600; TRACEMAP_BIN=path skips the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-600}
. bench/lib.sh
bin=$(bench_binary)
ns=tm-wbench-$$

# The path with hops 3 and 4 replaced (route), or 60 ms added from hop 5 on (spike).
scenario() {
  python3 - "$1" <<'PY'
import json, sys
kind = sys.argv[1]
hops = [["198.51.100.1", 1], ["198.51.100.2", 5], ["198.51.100.3", 11], ["198.51.100.41", 16],
        ["198.51.100.51", 24], ["198.51.100.61", 31], ["198.51.100.71", 38]]
destination = 45
if kind == "route":
    hops[2][0], hops[3][0] = "198.51.100.133", "198.51.100.144"
if kind == "spike":
    for hop in hops[4:]:
        hop[1] += 60
    destination += 60
print(json.dumps({"seed": 2, "hops": [{"address": a, "delay_ms": d, "jitter_ms": 0.3} for a, d in hops],
                  "destination": {"delay_ms": destination, "jitter_ms": 0.3}}))
PY
}
switch_to() { scenario "$1" >"$work/next.json" && mv "$work/next.json" "$work/path.json"; }

switch_to normal
sim_up "$ns" "$work/path.json" "$bin"
target=203.0.113.10

# "wall user system maxrss_kb" of one command.
measure() {
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" ip netns exec "$ns" "$@" >/dev/null 2>&1 || true
  cat "$work/time"
}
read -r tm_wall tm_user tm_sys tm_rss < <(measure "$bin" watch --json -i 0.05 -c "$rounds" "$target")
read -r mtr_wall mtr_user mtr_sys mtr_rss < <(measure mtr -n -r -c "$rounds" -i 0.05 "$target")
long=$((rounds * 5))
read -r _ _ _ long_rss < <(measure "$bin" watch --json -i 0.01 -c "$long" "$target")

# Detection: a route change at 6 s, back at 9 s; a spike at 12 s, gone at 15 s; rounds every 0.1 s.
ip netns exec "$ns" "$bin" watch --json -i 0.1 -c 200 --record "$work/rounds.jsonl" "$target" \
  >"$work/events.jsonl" 2>/dev/null &
watcher=$!
start=$(date +%s.%N)
sleep 6; switch_to route; t_route=$(date +%s.%N)
sleep 3; switch_to normal; t_back=$(date +%s.%N)
sleep 3; switch_to spike; t_spike=$(date +%s.%N)
sleep 3; switch_to normal; t_calm=$(date +%s.%N)
wait "$watcher" || true

python3 - "$work/events.jsonl" "$work/rounds.jsonl" "$rounds" "$long" "$tm_wall" "$tm_user" "$tm_sys" "$tm_rss" "$mtr_wall" "$mtr_user" \
  "$mtr_sys" "$mtr_rss" "$long_rss" "$t_route" "$t_back" "$t_spike" "$t_calm" <<'PY'
import json, sys
path, recording, rounds, long = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
tm_wall, tm_user, tm_sys, tm_rss, mtr_wall, mtr_user, mtr_sys, mtr_rss, long_rss = map(float, sys.argv[5:14])
t_route, t_back, t_spike, t_calm = map(float, sys.argv[14:18])
events = [line for line in map(json.loads, open(path)) if line.get("type") == "event"]
starts = [(line["round"], line["start"]) for line in map(json.loads, open(recording)) if line.get("type") == "round"]
def first(kind, after):
    return next((e for e in events if e["kind"] == kind and e["time"] >= after), None)
tm_cpu, mtr_cpu = tm_user + tm_sys, mtr_user + mtr_sys
print(f"path: 7 hops + destination 45 ms, jitter 0.3 ms (simulator on TUN); {rounds} rounds at -i 0.05")
print(f"tracemap watch  CPU {tm_cpu:6.2f} s  ({tm_cpu / rounds * 1000:5.2f} ms/round)  max RSS {tm_rss / 1024:6.1f} MiB"
      f"  wall {tm_wall:6.1f} s")
print(f"mtr -r          CPU {mtr_cpu:6.2f} s  ({mtr_cpu / rounds * 1000:5.2f} ms/round)  max RSS {mtr_rss / 1024:6.1f} MiB"
      f"  wall {mtr_wall:6.1f} s   tracemap/mtr CPU = {tm_cpu / max(mtr_cpu, 0.01):.2f}")
print(f"memory after {long} rounds: max RSS {long_rss / 1024:.1f} MiB ({long_rss / tm_rss:.2f}× that after {rounds})")
for label, kind, at in [("route change", "route-change", t_route), ("route back", "route-change", t_back),
                        ("rtt spike", "rtt-spike", t_spike), ("rtt recovery", "rtt-recovery", t_calm)]:
    event = first(kind, at)
    if event is None:
        print(f"{label:13} NOT REPORTED")
    else:
        # Rounds that started after the change, up to the one that raised the event (the simulator reads a
        # changed scenario within 50 ms, so the first of them may still have seen the old path).
        seen = sum(1 for index, start in starts if start >= at and index <= event["round"])
        print(f"{label:13} reported after {event['time'] - at:5.2f} s, {seen} rounds: {event['message']}")
alerts = [e for e in events if e["severity"] != "info"]
print(f"alerts in the detection run: {len(alerts)} (expected 3: change, change back, spike)")
PY
