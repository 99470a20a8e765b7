#!/usr/bin/env bash
# The TUI's CPU next to mtr's curses view on the same simulated path, both in a 160x48 tmux window at one round
# a second, for N seconds each (default 60). Root only; everything runs in a namespace it makes and removes.
#   bench/tui-cpu.sh [seconds]      (TRACEMAP_BIN=path skips the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
. bench/lib.sh
bin=$(bench_binary)
ns=tm-tuicpu-$$
sim_up "$ns" bench/benchmark-path.json "$bin"
target=203.0.113.10
socket=tm-tuicpu-$$

# CPU seconds (utime + stime) of the process whose command line starts with $1, inside tmux, after $seconds.
cpu_in_tmux() {
  local name=$1; shift
  tmux -L "$socket" -f /dev/null new-session -d -x 160 -y 48 -s "$name" \
    "LANG=C.UTF-8 TERM=xterm-256color ip netns exec $ns $*"
  sleep 3
  local pid
  pid=$(pgrep -f "^$1 " | head -1)
  # The process and its children (mtr's probing runs in its child mtr-packet).
  ticks_of() { local total=0 p; for p in "$pid" $(pgrep -P "$pid"); do
    total=$(( total + $(awk '{print $14 + $15}' /proc/"$p"/stat 2>/dev/null || echo 0) )); done; echo "$total"; }
  local start end
  start=$(ticks_of)
  sleep "$seconds"
  end=$(ticks_of)
  tmux -L "$socket" kill-session -t "$name" 2>/dev/null || true
  echo $(( end - start ))
}
ticks=$(getconf CLK_TCK)
tm=$(cpu_in_tmux tracemap "$bin" tui -n --interval 1 "$target")
mtr=$(cpu_in_tmux mtr mtr -n -i 1 "$target")
tmux -L "$socket" kill-server 2>/dev/null || true
python3 - "$tm" "$mtr" "$ticks" "$seconds" <<'PY'
import sys
tm, mtr, ticks, seconds = (int(v) for v in sys.argv[1:5])
tm_pct, mtr_pct = tm / ticks / seconds * 100, mtr / ticks / seconds * 100
print(f"160x48, 1 round/s, {seconds} s, path: 6 hops, hop 4 silent (simulator on TUN)")
print(f"tracemap tui  {tm_pct:5.2f} % of a core")
print(f"mtr (curses)  {mtr_pct:5.2f} % of a core   difference {tm_pct - mtr_pct:+.2f} points")
PY
