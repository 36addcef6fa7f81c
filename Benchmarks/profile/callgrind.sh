#!/usr/bin/env bash
# Instructions of a SendBenchmark run, counted by callgrind (repeatable, unlike wall clock):
#   Benchmarks/profile/callgrind.sh OUT BINDIR [--from-backlog] SendBenchmark-arguments...
# writes OUT.cg and OUT.log. BINDIR holds the release SendBenchmark and libWagoMessaging.so.
# --from-backlog zeroes the counters at the benchmark's "backlog queued" line, so that OUT.cg
# holds the backlog phase alone. With --sandbox apart the sandbox's process is not counted.
# Per operation: run a short and a long window and subtract (per-op.py).
set -euo pipefail
out=$1 bindir=$2
shift 2
from_backlog=0
if [[ ${1:-} == --from-backlog ]]; then from_backlog=1; shift; fi
command -v valgrind >/dev/null || apt-get install -y -qq valgrind >/dev/null
here=$(cd "$(dirname "$0")" && pwd)
swift_lib=$(dirname "$(readlink -f "$(command -v swift)")")/../lib/swift/linux
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gcc -shared -fPIC -O2 -o "$work/dispatch-main.so" "$here/dispatch-main.c" \
    -L"$swift_lib" -Wl,-rpath,"$swift_lib" -ldispatch
# valgrind 3.19 cannot read Swift's DWARF 5; symbols are all it needs.
cp "$bindir/SendBenchmark" "$bindir/libWagoMessaging.so" "$work/"
strip --strip-debug "$work/SendBenchmark" "$work/libWagoMessaging.so"
LD_PRELOAD="$work/dispatch-main.so" valgrind --tool=callgrind --callgrind-out-file="$out.cg" \
    --dump-instr=no --dump-line=no "$work/SendBenchmark" --plugin "$work/libWagoMessaging.so" "$@" >"$out.log" 2>&1 &
valgrind=$!
if ((from_backlog)); then
    until grep -q "backlog queued" "$out.log" 2>/dev/null; do
        kill -0 $valgrind 2>/dev/null || break
        sleep 0.2
    done
    callgrind_control -z $valgrind >/dev/null 2>&1
fi
wait $valgrind
grep -E "^(scenario|REST|phone|offline)" "$out.log"
