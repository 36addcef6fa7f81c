#!/usr/bin/env bash
# Requests per second and latency over loopback sockets, with wrk (Debian package wrk):
# a core route and a plugin route of a release `wago serve`. Bounded: 10 s per route.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
swift build -c release --product wago >&2
plugin=$(./plugin-template/build.sh | grep hello_c)
plugins=$(mktemp -d) data=$(mktemp -d)
cp "$plugin" "$plugins/"
WAGO_ADMIN_TOKEN=bench WAGO_PORT=13370 WAGO_HOST=127.0.0.1 WAGO_DATA_DIR="$data" WAGO_PLUGINS_DIR="$plugins" \
    WAGO_LOG_LEVEL=error .build/release/wago serve &
server=$!
trap 'kill $server; rm -rf "$plugins" "$data"' EXIT
for _ in $(seq 50); do curl -sf localhost:13370/server/ok >/dev/null && break; sleep 0.2; done
for route in /server/ok /hello-c/ping; do
    echo "== $route"
    wrk -t2 -c32 -d10s --latency "http://127.0.0.1:13370$route" | grep -E "Requests/sec|50%|99%|Latency"
done
