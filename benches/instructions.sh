#!/usr/bin/env bash
# Instructions the release binary runs on each bench shape: a count that does not move with the
# machine's load, for judging a change on a shared machine whose wall times wander (README,
# Benchmark). Needs valgrind. Usage: benches/instructions.sh [PHONES] [SHAPE...]
set -euo pipefail
cd "$(dirname "$0")/.."
phones=${1:-10000}
shift || true
command -v valgrind >/dev/null || { echo "instructions.sh: valgrind is not installed" >&2; exit 2; }
cargo build --release -q
binary=$PWD/target/release/pjsiplint
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# The pipeline bench writes each shape's files when given --write (and shape names to pick).
cargo bench -q --bench pipeline -- "$phones" --write "$dir" "$@" >"$dir/roots"
printf '%-10s %12s %14s %12s\n' shape bytes instructions "per byte"
while read -r root; do
    shape=$(basename "$(dirname "$root")")
    bytes=$(cat "$(dirname "$root")"/* | wc -c)
    # pjsiplint exits 1 when it finds something: only the count matters here.
    count=$(cd "$(dirname "$root")" &&
        { valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
            "$binary" --format json "$(basename "$root")" 2>&1 >/dev/null || true; } |
        sed -n 's/.*I *refs: *//p' | tr -d ,)
    printf '%-10s %12d %14d %12.1f\n' "$shape" "$bytes" "$count" "$(echo "$count / $bytes" | bc -l)"
done <"$dir/roots"
