#!/usr/bin/env bash
# Regenerates Core/Proto/Generated/*.pb.swift from Core/Proto/Definitions/*.proto, then moves
# oneof members after the other fields as Go writes them (scripts/order-oneofs-like-go.py).
# Needs protoc (Debian: protobuf-compiler) and python3. Builds protoc-gen-swift from
# swift-protobuf at the version Package.swift depends on, once, into .build-protoc/ (ignored by
# git); set PROTOC_GEN_SWIFT to use an existing plugin instead.
set -euo pipefail

SWIFT_PROTOBUF_VERSION=1.39.0
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEFINITIONS="$ROOT/Core/Proto/Definitions"
GENERATED="$ROOT/Core/Proto/Generated"
BUILD_DIR="$ROOT/.build-protoc"

command -v protoc >/dev/null || { echo "protoc not found (apt-get install protobuf-compiler)" >&2; exit 1; }

if [[ -z "${PROTOC_GEN_SWIFT:-}" ]]; then
    SOURCE="$BUILD_DIR/swift-protobuf-$SWIFT_PROTOBUF_VERSION"
    if [[ ! -d "$SOURCE" ]]; then
        mkdir -p "$BUILD_DIR"
        git clone --quiet --depth 1 --branch "$SWIFT_PROTOBUF_VERSION" \
            https://github.com/apple/swift-protobuf.git "$SOURCE"
    fi
    swift build --package-path "$SOURCE" -c release --product protoc-gen-swift >&2
    PROTOC_GEN_SWIFT="$(swift build --package-path "$SOURCE" -c release --show-bin-path)/protoc-gen-swift"
fi

rm -f "$GENERATED"/*.pb.swift
mkdir -p "$GENERATED"
protoc \
    --plugin=protoc-gen-swift="$PROTOC_GEN_SWIFT" \
    --proto_path="$DEFINITIONS" \
    --swift_out="$GENERATED" \
    --swift_opt=Visibility=Public \
    --swift_opt=FileNaming=DropPath \
    "$DEFINITIONS"/*.proto
# Go writes oneof members after the other fields; swift-protobuf strictly by number.
python3 "$ROOT/scripts/order-oneofs-like-go.py" "$GENERATED"/*.pb.swift
echo "generated $(ls "$GENERATED"/*.pb.swift | wc -l) files into ${GENERATED#$ROOT/}" >&2
