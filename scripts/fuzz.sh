#!/usr/bin/env bash
# Builds and runs one libFuzzer target (swiftc -sanitize=fuzzer,address) over its committed seed corpus.
#   scripts/fuzz.sh TARGET [SECONDS] [extra libFuzzer flags…]     TARGET: packet | dns | recording | all
# SECONDS defaults to 60. The working corpus grows in .build/fuzz/corpus/TARGET (seeded from Tests/Fuzz/Corpus);
# a crash leaves its input in .build/fuzz/artifacts/TARGET and makes the exit status non-zero. The last line
# prints the executions, coverage (libFuzzer's cov: edges and ft: features) and corpus size.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh packet|dns|recording|all [SECONDS] [libFuzzer flags…]}
seconds=${2:-60}
shift $(( $# >= 2 ? 2 : 1 ))
if [[ $target == all ]]; then
    for name in packet dns recording; do scripts/fuzz.sh "$name" "$seconds" "$@"; done
    exit 0
fi
out=.build/fuzz
# One package name for every module: TracemapPacket shares its byte helpers at `package` access.
flags=(-sanitize=fuzzer,address -parse-as-library -Onone -g -enable-testing -swift-version 6 -package-name tracemap
       -I "$out" -L "$out")

# A module of tracemap's as an instrumented static library (rebuilt when its sources changed).
module() {
    local name=$1; shift
    local lib="$out/lib$name.a"
    if [[ -f $lib ]] && [[ -z $(find "Sources/$name" -newer "$lib" -name '*.swift' | head -1) ]]; then return; fi
    swiftc "${flags[@]}" -emit-library -static -module-name "$name" -emit-module-path "$out/$name.swiftmodule" \
        "$@" -o "$lib" 2> >(grep -v 'Cannot export local symbol' >&2)
}

mkdir -p "$out/artifacts/$target" "$out/corpus/$target"
module TracemapModel Sources/TracemapModel/*.swift
case $target in
packet)
    module TracemapPacket Sources/TracemapPacket/*.swift -lTracemapModel
    sources=(Tests/Fuzz/Targets/packet.swift); libraries=(-lTracemapPacket -lTracemapModel) ;;
dns)
    sources=(Tests/Fuzz/Targets/dns.swift Sources/TracemapEnrich/DNSMessage.swift Sources/TracemapEnrich/TeamCymru.swift
             Sources/TracemapEnrich/ReverseName.swift); libraries=(-lTracemapModel) ;;
recording)
    # The parsing core only: file I/O lives in RecordingReader+File.swift.
    sources=(Tests/Fuzz/Targets/recording.swift Sources/TracemapMonitor/RecordingReader.swift
             Sources/TracemapMonitor/RecordingError.swift); libraries=(-lTracemapModel) ;;
*) echo "tracemap fuzz: unknown target $target (packet, dns, recording, all)" >&2; exit 64 ;;
esac
binary="$out/fuzz-$target"
swiftc "${flags[@]}" -module-name "Fuzz_$target" "${sources[@]}" "${libraries[@]}" -o "$binary" \
    2> >(grep -v 'Cannot export local symbol' >&2)

# Seeds are committed; the grown corpus stays under .build.
cp -n Tests/Fuzz/Corpus/"$target"/* "$out/corpus/$target/" 2>/dev/null || true
log="$out/fuzz-$target.log"
status=0
"$binary" "$out/corpus/$target" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 -timeout=10 \
    -artifact_prefix="$out/artifacts/$target/" -print_final_stats=1 "$@" > "$log" 2>&1 || status=$?
stats=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
executions=$(grep -E 'stat::number_of_executed_units' "$log" | awk '{print $2}' || true)
echo "fuzz $target: ${executions:-?} executions in ${seconds}s; last: ${stats:-none}"
if [[ $status != 0 ]]; then
    grep -E 'ERROR|SUMMARY|Fatal error|Test unit written' "$log" | head -5 >&2
    echo "fuzz $target: FAILED (status $status); log $log" >&2
    exit 1
fi
