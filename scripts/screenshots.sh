#!/usr/bin/env bash
# Screenshots of the TUI from real runs: `tracemap demo` (root: a simulated path in a private network
# namespace) and a replay, each driven in tmux, captured with colours (capture-pane -e), turned into HTML by
# aha and photographed by headless Chromium.
# Needs: tmux, aha, chromium (Debian packages), root for the demo (and tracemap-lab beside tracemap: the demo runs
# its simulator). Writes screenshots/*.png.
# Usage: scripts/screenshots.sh [path/to/tracemap]
set -euo pipefail
cd "$(dirname "$0")/.."
binary="${1:-.build/debug/tracemap}"
[[ -x "$binary" ]] || { echo "build first (swift build) or give the binary" >&2; exit 2; }
for tool in tmux aha chromium; do
    command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install $tool)" >&2; exit 2; }
done
binary="$(realpath "$binary")"
out="$PWD/screenshots"
work="$(mktemp -d)"
socket="tracemap-shots-$$"
cleanup() {
    tmux -L "$socket" kill-server 2>/dev/null || true
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$socket"
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$out"
width=160 height=48

# Runs a command in a fresh tmux session of the standard size.
start() {
    tmux -L "$socket" kill-server 2>/dev/null || true
    tmux -L "$socket" -f /dev/null new-session -d -x "$width" -y "$height" -s shot \
        "env LANG=C.UTF-8 TERM=xterm-256color $1; sleep 600" </dev/null >/dev/null 2>&1
}

keys() { tmux -L "$socket" send-keys -t shot "$@"; sleep 0.7; }

# Captures the pane with its colours and renders it to screenshots/NAME.png.
shot() {
    local name="$1"
    tmux -L "$socket" capture-pane -e -p -t shot > "$work/$name.ans"
    # tmux writes reverse video as SGR 7 with the default colours (39/49), which aha cannot swap: name the
    # defaults (white on black) so the selection bar and the status line show.
    sed -e 's/\x1b\[39m/\x1b[37m/g; s/\x1b\[49m/\x1b[40m/g; s/\x1b\[0;7m/\x1b[0;7;37;40m/g; s/\x1b\[7m/\x1b[7;37;40m/g' \
        "$work/$name.ans" | aha --black --title "tracemap" \
        | sed 's|<pre>|<pre style="font-family: DejaVu Sans Mono, monospace; font-size: 14px; line-height: 1.15; margin: 8px">|' \
        > "$work/$name.html"
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1390,860 \
        --screenshot="$out/$name.png" "file://$work/$name.html" >/dev/null 2>&1
    echo "screenshots/$name.png"
}

if [[ "$(id -u)" -eq 0 && ! -x "$(dirname "$binary")/tracemap-lab" ]]; then
    echo "no tracemap-lab beside $binary (swift build --product tracemap-lab): skipping the demo screenshots" >&2
elif [[ "$(id -u)" -eq 0 ]]; then
    start "$binary demo --phase 15"
    sleep 12
    shot demo-hop-table
    sleep 10
    shot demo-route-change
    keys z
    shot demo-map-zoomed
    keys z J J Enter
    shot demo-hop-details
    keys Escape j
    sleep 14
    shot demo-rtt-spike-jitter
    keys j '?'
    shot help
    keys q
else
    echo "not root: skipping the demo screenshots" >&2
fi
