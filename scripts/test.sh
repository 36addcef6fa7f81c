#!/usr/bin/env bash
# Builds and runs every test: the gateway's packages and the out-of-tree plugin template.
# The run has a time limit (WAGO_TEST_TIME_LIMIT seconds, 900 by default; a whole run takes
# about 90): a run that hangs fails with the tests still running and every thread's stack,
# rather than as a silent CI timeout.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
build_log=$(mktemp)
swift build --build-tests 2>&1 | tee "$build_log"
# An `await` on GRDB's blocking read (the compiler picks it when the closure's result is not
# Sendable, and says so only with this warning) blocks a cooperative thread and can deadlock
# the process: Core/Store/Database.swift.
if grep -E "Core/Store/[^:]+:[0-9]+:[0-9]+: warning: no 'async' operations occur within 'await'" "$build_log" >&2; then
    echo "::error:: a blocking database read in Core/Store, above" >&2
    exit 1
fi

limit=${WAGO_TEST_TIME_LIMIT:-900}
log=$(mktemp)
swift test --skip-build > >(tee "$log") 2>&1 &
runner=$!
for ((waited = 0; waited < limit; waited++)); do
    kill -0 "$runner" 2>/dev/null || break
    sleep 1
done
if kill -0 "$runner" 2>/dev/null; then
    echo "::error:: the tests ran over ${limit} s; still running:" >&2
    python3 - "$log" >&2 <<'EOF'
import re, sys
text = open(sys.argv[1], errors="replace").read()
name = r'(".*?"|\S+\(\))'
finished = set(re.findall(r'[✔✘] Test ' + name + ' ', text))
for test in re.findall(r'◇ Test ' + name + ' started', text):
    if test not in finished:
        print("  " + test)
EOF
    for pid in $(pgrep -f 'PackageTests.xctest' || true); do
        gdb -p "$pid" -batch -ex "thread apply all bt" >&2 2>&1 || true
    done
    pkill -f 'PackageTests.xctest' || true
    kill "$runner" 2>/dev/null || true
    exit 1
fi
wait "$runner"
