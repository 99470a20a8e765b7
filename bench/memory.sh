#!/usr/bin/env bash
# How much memory does tracemap hold, next to mtr, on the same simulated path in one run?
#  - watch: `tracemap watch -i 0.2` after N rounds (steady state), VmRSS, against `mtr -n -r -i 0.2` (mtr plus its
#    mtr-packet child) after the same time;
#  - trace: the peak (VmHWM) of a one-shot `tracemap trace -n`, against `mtr -n -r -c 1`'s (mtr + mtr-packet);
#  - the same watch with the Prometheus exporter on (`--metrics`), after one scrape;
#  - where watch's RSS goes: /proc/PID/smaps summed per mapping (library, heap, anonymous).
# Each binary in the list is measured: the release build (dynamic Swift runtime) and, when given, a build with
# `--static-swift-stdlib`. Root only (a namespace it makes). Goal (issue 11): watch ≤ 12 MB, trace peak < 20 MB.
#   bench/memory.sh [rounds]        (default 50 rounds)
#   TRACEMAP_BIN=path               skips the release build
#   TRACEMAP_STATIC_BIN=path        also measures this binary, e.g. .build-static/release/tracemap built with
#                                     swift build -c release --static-swift-stdlib --scratch-path .build-static \
#                                       -Xlinker -no-pie -Xlinker --no-export-dynamic
#                                   (position-dependent and no exported symbols: the loader then has no
#                                   relocations to apply, 3-4 MB less resident; README "Memory")
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-50}
. bench/lib.sh
bin=$(bench_binary)

ns=tm-membench-$$
target=203.0.113.10
python3 - >"$work/path.json" <<'PY'
import json
hops = [["198.51.100.1", 1], ["198.51.100.2", 5], ["198.51.100.3", 11], ["198.51.100.41", 16],
        ["198.51.100.51", 24], ["198.51.100.61", 31], ["198.51.100.71", 38]]
print(json.dumps({"seed": 3, "hops": [{"address": a, "delay_ms": d, "jitter_ms": 0.3} for a, d in hops],
                  "destination": {"delay_ms": 45, "jitter_ms": 0.3}}))
PY
sim_up "$ns" "$work/path.json" "$bin"

# field KEY PID...: the sum of a /proc/PID/status field (kB) over the processes given.
field() {
  local key=$1 total=0 pid value
  shift
  for pid in "$@"; do
    value=$(awk -v key="$key:" '$1 == key {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    total=$((total + ${value:-0}))
  done
  echo "$total"
}
# tree PID: the process and its children (mtr's mtr-packet). `ip netns exec` execs in place, so PID is the tool.
tree() { echo "$1" $(cat "/proc/$1/task/$1/children" 2>/dev/null || true); }

# smaps PID: resident kB per mapping, largest first (anonymous mappings together).
smaps() {
  awk '/^[0-9a-f]+-[0-9a-f]+ / { name = ($6 == "" ? "[anonymous]" : $6); sub(".*/", "", name) }
       /^Rss:/ { rss[name] += $2 }
       END { for (n in rss) if (rss[n] > 0) printf "%d %s\n", rss[n], n }' "/proc/$1/smaps" | sort -rn
}

# steady LABEL COMMAND...: starts COMMAND in the namespace, waits for `rounds` rounds at 0.2 s, records the VmRSS
# of its tree in $work/LABEL.rss (and its smaps in $work/LABEL.smaps), stops it.
steady() {
  local label=$1 pid
  shift
  ip netns exec "$ns" "$@" >/dev/null 2>&1 &
  pid=$!
  sleep "$(python3 -c "print($rounds * 0.2 + 1)")"
  # With the exporter: one scrape first, so that its buffers are part of the figure.
  [ -n "${scrape:-}" ] && ip netns exec "$ns" curl -s -o /dev/null http://127.0.0.1:9469/metrics
  field VmRSS $(tree "$pid") >"$work/$label.rss"
  smaps "$pid" >"$work/$label.smaps"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# peak LABEL COMMAND...: runs COMMAND in the namespace to its end, sampling the summed VmHWM of its tree every
# 10 ms (the high-water mark only grows, so the last sample is the peak up to 10 ms before the exit).
peak() {
  local label=$1 pid best=0 now
  shift
  ip netns exec "$ns" "$@" >"$work/$label.out" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    now=$(field VmHWM $(tree "$pid"))
    [ "$now" -gt "$best" ] && best=$now
    sleep 0.01
  done
  wait "$pid" 2>/dev/null || true
  echo "$best" >"$work/$label.hwm"
}

binaries=("dynamic:$bin")
[ -n "${TRACEMAP_STATIC_BIN:-}" ] && binaries+=("static:$TRACEMAP_STATIC_BIN")
for entry in "${binaries[@]}"; do
  kind=${entry%%:*} path=${entry#*:}
  steady "watch-$kind" "$path" watch -i 0.2 "$target"
  scrape=1 steady "metrics-$kind" "$path" watch -i 0.2 --metrics 127.0.0.1:9469 "$target"
  peak "trace-$kind" "$path" trace -n "$target"
done
steady watch-mtr mtr -n -r -i 0.2 -c 100000 "$target"
peak trace-mtr mtr -n -r -c 1 "$target"

python3 - "$work" "$rounds" "${binaries[@]}" <<'PY'
import os, sys
work, rounds, entries = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
kinds = [e.split(":", 1)[0] for e in entries]
read = lambda name: int(open(os.path.join(work, name)).read().split()[0])
mib = lambda kib: f"{kib / 1024:6.1f} MiB"
mtr_watch, mtr_trace = read("watch-mtr.rss"), read("trace-mtr.hwm")
print(f"path: 7 hops + destination (45 ms), simulator on TUN; watch after {rounds} rounds at -i 0.2")
print(f"{'':34}{'watch RSS':>12}{'trace peak':>14}{'watch/mtr':>11}{'trace/mtr':>11}")
for kind in kinds:
    w, t = read(f"watch-{kind}.rss"), read(f"trace-{kind}.hwm")
    print(f"{'tracemap (' + kind + ')':34}{mib(w):>12}{mib(t):>14}{w / mtr_watch:>10.2f}x{t / mtr_trace:>10.2f}x")
    m = read(f"metrics-{kind}.rss")
    print(f"{'  watch --metrics, one scrape':34}{mib(m):>12}{'':>14}{m / mtr_watch:>10.2f}x")
print(f"{'mtr + mtr-packet':34}{mib(mtr_watch):>12}{mib(mtr_trace):>14}")
print("goal: watch <= 12 MB, trace peak < 20 MB")
for kind in kinds:
    print(f"\nwhere `watch` ({kind}) resides, /proc/PID/smaps Rss per mapping:")
    rows = [line.split(None, 1) for line in open(os.path.join(work, f"watch-{kind}.smaps")) if line.strip()]
    shown = 0
    for kib, name in rows[:10]:
        print(f"  {int(kib) / 1024:6.2f} MiB  {name.strip()}")
        shown += int(kib)
    rest = sum(int(k) for k, _ in rows) - shown
    if rest > 0:
        print(f"  {rest / 1024:6.2f} MiB  ({len(rows) - 10} more mappings)")
PY
