#!/usr/bin/env bash
# Fuzzes WABinary's decoder with libFuzzer + AddressSanitizer.
#
# Usage: scripts/fuzz-binary.sh [seconds] [extra libFuzzer flags...]
# Builds .build/fuzz/binary-decoder from Core/Binary + Fuzz/BinaryDecoder, seeds the corpus
# with every frame in shared/vectors/binary.json, then runs for `seconds` (default 60).
# Crashes are written to .build/fuzz/artifacts/; the script exits non-zero when one is found.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
shared="${WAGO_SHARED_DIR:-$repo/../shared}"
seconds="${1:-60}"
shift || true
out="$repo/.build/fuzz"
mkdir -p "$out/corpus" "$out/artifacts"

swiftc -sanitize=fuzzer,address -parse-as-library -O -g \
    -module-name WABinaryFuzz \
    -I "$repo/Core/CZlib" -Xcc -fmodule-map-file="$repo/Core/CZlib/module.modulemap" \
    "$repo"/Core/Binary/*.swift "$repo/Fuzz/BinaryDecoder/fuzz.swift" \
    -o "$out/binary-decoder"

# Seed corpus: each hex frame of the vectors, one file per frame.
python3 - "$shared/vectors/binary.json" "$out/corpus" <<'PY'
import json, sys, hashlib, pathlib
vectors = json.load(open(sys.argv[1]))
corpus = pathlib.Path(sys.argv[2])
frames = [c[k] for section in ("cases", "zlib_frames", "decode_only", "rejected")
          for c in vectors[section] for k in ("hex", "frame_hex", "uncompressed_hex") if k in c]
for frame in frames:
    data = bytes.fromhex(frame)
    (corpus / hashlib.sha1(data).hexdigest()).write_bytes(data)
PY

cd "$out"
# Swift's own crash backtracer fights ASan for the crashing thread; libFuzzer reports instead.
SWIFT_BACKTRACE=enable=no exec ./binary-decoder -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=2048 \
    -artifact_prefix="$out/artifacts/" "$@" corpus
