#!/usr/bin/env bash
# Builds and runs every test: the gateway's packages and the out-of-tree plugin template.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
swift test
