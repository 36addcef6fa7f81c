#!/bin/sh
# Builds both plugins of the template in release mode, checks that each exports
# wago_plugin_entry, and prints the path of each .so (one a line, nothing else on stdout).
set -eu
cd "$(dirname "$0")"

swift build -c release --product WagoHelloSwift >&2
bin=$(swift build -c release --show-bin-path)
clang -std=c11 -O2 -Wall -Wextra -fPIC -shared -fvisibility=hidden \
    -I Sources/WagoPluginABI/include c/hello_c.c -o "$bin/libhello_c.so"

for plugin in "$bin/libWagoHelloSwift.so" "$bin/libhello_c.so"; do
    if ! nm -D --defined-only "$plugin" | grep -qw wago_plugin_entry; then
        echo "error: $plugin does not export wago_plugin_entry (is the entry point public and @c?)" >&2
        exit 1
    fi
    echo "$plugin"
done
