#!/usr/bin/env bash
# Time to render one full TUI frame (30 hops, world map, alerts; 200x60 by default) from the pure render core:
# no terminal involved, so this is the cost the TUI pays per frame before ncurses diffs it out.
# Usage: bench/tui-bench.sh [WIDTHxHEIGHT] [path/to/tracemap-lab]   (default: a release build in .build-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
size="${1:-200x60}"
binary="${2:-}"
if [[ -z "$binary" ]]; then
    swift build -c release --product tracemap-lab --scratch-path .build-bench >&2
    binary=".build-bench/release/tracemap-lab"
fi
"$binary" bench render "$size"
