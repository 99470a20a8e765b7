#!/usr/bin/env bash
# Writes tracemap.1 for a built tracemap binary with swift-argument-parser's own generate-manual tool (the
# GenerateManual plugin's tool, built here directly: the plugin itself would rebuild the whole package in another
# configuration). The page is made from the binary's --experimental-dump-help, so it says what --help says.
#
#   scripts/make-manual.sh BINARY OUTPUT_DIRECTORY
set -euo pipefail
cd "$(dirname "$0")/.."
binary="${1:?usage: make-manual.sh BINARY OUTPUT_DIRECTORY}"
output="${2:?usage: make-manual.sh BINARY OUTPUT_DIRECTORY}"

checkout=.build/checkouts/swift-argument-parser
[[ -d "$checkout" ]] || swift package resolve >/dev/null
tools=.build/argument-parser-tools
if [[ ! -x "$tools/release/generate-manual" ]]; then
    echo "building swift-argument-parser's generate-manual (once)…"
    swift build --package-path "$checkout" --scratch-path "$tools" -c release --product generate-manual >/dev/null
fi
date="$(git log -1 --format=%cs 2>/dev/null || date -u +%F)"
mkdir -p "$output"
"$tools/release/generate-manual" "$binary" --date "$date" --section 1 --output-directory "$output"
[[ -s "$output/tracemap.1" ]] || { echo "make-manual.sh: generate-manual wrote no tracemap.1" >&2; exit 1; }
