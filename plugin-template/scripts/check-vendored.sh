#!/bin/sh
# Checks that the template's vendored ABI (Sources/WagoPluginABI) and Swift SDK
# (Sources/WagoPluginKit) are byte-identical to a WaGo checkout's Core/PluginABI and
# Core/PluginKit. A plugin must build against the header of the server it is loaded into.
#
#   scripts/check-vendored.sh [WAGO_CHECKOUT] [--update]
#
# WAGO_CHECKOUT defaults to the folder above the template (the template inside the WaGo repo).
# --update copies the checkout's files over the vendored ones instead of comparing.
set -eu
template=$(cd "$(dirname "$0")/.." && pwd)
checkout=$(dirname "$template")
update=no
for argument in "$@"; do
    case "$argument" in
        --update) update=yes ;;
        *) checkout=$argument ;;
    esac
done
if [ ! -f "$checkout/Core/PluginABI/include/wago_plugin.h" ]; then
    echo "error: $checkout is not a WaGo checkout (no Core/PluginABI/include/wago_plugin.h)" >&2
    exit 2
fi

status=0
for pair in "Core/PluginABI:Sources/WagoPluginABI" "Core/PluginKit:Sources/WagoPluginKit"; do
    source="$checkout/${pair%%:*}"
    vendored="$template/${pair#*:}"
    if [ "$update" = yes ]; then
        rm -rf "$vendored"
        cp -R "$source" "$vendored"
        echo "updated ${pair#*:} from $source"
    elif diff -r "$source" "$vendored"; then
        echo "ok: ${pair#*:} matches $source"
    else
        echo "MISMATCH: ${pair#*:} differs from $source (run with --update to copy it)" >&2
        status=1
    fi
done
exit $status
