#!/usr/bin/env python3
"""Instructions per operation, by layer, module and function, from two callgrind runs of the
same scenario, a short one and a long one: (long - short) / (operations long - operations short),
so that setting up, warming up and shutting down cancel.

    per-op.py SHORT.cg LONG.cg OPS_SHORT OPS_LONG [TOP]
"""
import collections
import re
import sys


def self_costs(path):
    """Each function's own instructions (callgrind's compressed names resolved)."""
    names, costs, function, skip = {}, collections.Counter(), None, False
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        if skip:  # the cost line after calls= is the callee's, not ours
            skip = False
            continue
        if line.startswith("fn="):
            match = re.match(r"fn=\((\d+)\)(?: (.*))?", line)
            if match and match.group(2):
                names[match.group(1)] = match.group(2)
            function = names.get(match.group(1)) if match else line[3:]
        elif line.startswith("calls="):
            skip = True
        elif line.startswith("cfn="):
            match = re.match(r"cfn=\((\d+)\) (.*)", line)
            if match:
                names[match.group(1)] = match.group(2)
        elif line[:1].isdigit() or line[:1] in "+-*":
            parts = line.split()
            if len(parts) >= 2 and function is not None and parts[1].isdigit():
                costs[function] += int(parts[1])
    return costs


def module(name):
    """The Swift module of a mangled name, else the C library it comes from."""
    if name.startswith(("$s", "_$s")):
        rest = name[name.index("$s") + 2:]
        if rest[:1] in ("S", "s"):
            return "stdlib"
        match = re.match(r"(\d+)", rest)
        return rest[len(match.group(1)):][: int(match.group(1))] if match else "swift"
    prefixes = [
        (("swift_", "_swift", "swift::"), "runtime"),
        (("CCryptoBoringSSL", "sha256", "aes_", "CRYPTO"), "boringssl"),
        (("sqlite3",), "sqlite"),
        (("crypto_", "sodium", "fe25519", "ge25519"), "sodium"),
        (("malloc", "free", "_int_", "calloc", "realloc", "tcache"), "malloc"),
        (("__mem", "mem", "__str", "str"), "libc-mem"),
        (("pthread", "__pthread", "__tls_get_addr"), "pthread"),
        (("_dispatch", "dispatch_"), "dispatch"),
    ]
    for names, library in prefixes:
        if name.startswith(names):
            return library
    return "runtime" if "swift::" in name else "other"


LAYERS = [
    (r"^(NIO|_NIO|CNIO|WSCore|WebSocket)", "nio"),
    (r"^(Hummingbird|HTTPTypes)", "http server"),
    (r"^(Crypto|_Crypto|CryptoBoringWrapper|boringssl|WACrypto|sodium)", "crypto"),
    (r"^(Foundation|CoreFoundation)", "foundation"),
    (r"^(GRDB|sqlite|WagoStore)", "store"),
    (r"^(SwiftProtobuf|WAProto)", "protobuf"),
    (r"^(runtime|malloc|libc-mem|pthread|stdlib|dispatch)", "runtime+stdlib"),
]


def layer(name):
    return next((label for pattern, label in LAYERS if re.match(pattern, name)), name)


def main():
    short, long = self_costs(sys.argv[1]), self_costs(sys.argv[2])
    operations = int(sys.argv[4]) - int(sys.argv[3])
    top = int(sys.argv[5]) if len(sys.argv) > 5 else 25
    per_op = collections.Counter({name: (long[name] - short[name]) / operations for name in set(short) | set(long)})
    modules, layers = collections.Counter(), collections.Counter()
    for name, cost in per_op.items():
        modules[module(name)] += cost
        layers[layer(module(name))] += cost
    print(f"per operation: {sum(per_op.values()) / 1000:,.0f}k instructions")
    for title, table in (("layers", layers), ("modules", modules), ("functions", per_op)):
        print(f"== {title}")
        for name, cost in table.most_common(top):
            print(f"{cost / 1000:10.1f}k  {name[:150]}")


if __name__ == "__main__":
    main()
