#!/usr/bin/env bash
# The two-moons quick example alone and beside a fixed CPU load (docs/benchmarks.md, "A shared machine").
#   bash benchmarks/shared-machine.sh [NAME=VALUE ...]     e.g. OMP_WAIT_POLICY=PASSIVE, OMP_NUM_THREADS=1
# Runs it quiet, then beside one `sha256sum /dev/zero` per core (a fair share is then 2x the quiet time), and prints
# both wall times and their ratio. Stop other jobs first; print the CPU beside the numbers you report.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release examples/TwoMoons -v quiet -nologo > /dev/null
app=examples/TwoMoons/bin/Release/net10.0/TwoMoons
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run() {   # prints the wall seconds of one --quick run
    local start end
    start=$(date +%s.%N)
    env "$@" "$app" --quick --out "$out/run" > "$out/log" 2>&1 || { cat "$out/log" >&2; exit 1; }
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}
grep -m1 "model name" /proc/cpuinfo; grep -m1 "cpu family" /proc/cpuinfo; grep -m1 "^model[^ ]" /proc/cpuinfo || true
quiet=$(run "$@")
load=()
for _ in $(seq "$(nproc)"); do sha256sum /dev/zero & load+=($!); done
loaded=$(run "$@")
kill "${load[@]}"
printf 'settings: %s\nquiet %.1f s, beside %d CPU-bound processes %.1f s, ratio %.2f\n' "${*:-(none)}" "$quiet" "${#load[@]}" "$loaded" "$(echo "$loaded / $quiet" | bc -l)"
