#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need (gdb: stacks of a hung test run), when missing. Runs as root (or with sudo).
set -euo pipefail

packages=(libsqlite3-dev libsodium-dev zlib1g-dev libqrencode-dev zbar-tools pkg-config gdb)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "installing: ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
fi
