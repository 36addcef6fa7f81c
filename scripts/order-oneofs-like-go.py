#!/usr/bin/env python3
"""Makes swift-protobuf's generated `traverse` write fields in the order Go's protobuf writes them.

google.golang.org/protobuf (what whatsmeow uses) marshals a message's fields that are not in a
oneof by field number, then the oneof members (its `order.LegacyFieldOrder`). protoc-gen-swift
visits every field strictly by number, interleaving oneof members with the other fields, and the
order of declarations in a .proto file does not change that. Both orders are valid protobuf, but
only Go's reproduces the bytes whatsmeow sends (shared/vectors/proto.json), so this moves each
oneof's visiting code after the other fields, in place in the generated files.

Go sorts distinct oneofs of one message by declaration; no message of ours has two, and the
script refuses one rather than guess. Extensions (which Go writes first) are refused likewise.

Usage: order-oneofs-like-go.py FILE.pb.swift...
"""
import re
import sys

TRAVERSE = "public func traverse<V: SwiftProtobuf.Visitor>(visitor: inout V) throws {"
STORAGE_CLOSURE = "try withExtendedLifetime(_storage) { (_storage: _StorageClass) in"
# A oneof group: `switch self.media {` or, for a one-member group, `try { if case .x(let v)? = self.media {`.
ONEOF_STATEMENT = re.compile(r"^\s*(?:switch (?:self|_storage)\.(\w+) \{|try \{ if case \.\w+\(let v\)\? = (?:self|_storage)\.(\w+) \{)")


def depth_change(line):
    return line.count("{") - line.count("}")


def split_statements(lines):
    """Top-level statements of a block body, each a list of lines (comments stand alone)."""
    statements, current, depth = [], [], 0
    for line in lines:
        current.append(line)
        depth += depth_change(line)
        if depth == 0:
            statements.append(current)
            current = []
    if current or depth != 0:
        raise ValueError("unbalanced braces in a traverse body")
    return statements


def oneof_name(statement):
    match = ONEOF_STATEMENT.match(statement[0])
    return match and (match.group(1) or match.group(2))


def reorder(body, where):
    """The statements of a traverse body with the oneof groups moved after the other fields."""
    statements = split_statements(body)
    if any("visitExtensionFields" in line for statement in statements for line in statement):
        raise ValueError(f"{where}: extensions are not supported")
    oneofs = [s for s in statements if oneof_name(s)]
    if len({oneof_name(s) for s in oneofs}) > 1:
        raise ValueError(f"{where}: more than one oneof; Go orders them by declaration")
    tail = [s for s in statements if s[0].strip().startswith("try unknownFields.traverse")]
    fields = [s for s in statements if not oneof_name(s) and s not in tail]
    return [line for statement in fields + oneofs + tail for line in statement]


def process(text, path):
    lines = text.split("\n")
    output, index = [], 0
    while index < len(lines):
        line = lines[index]
        output.append(line)
        index += 1
        if line.strip() != TRAVERSE:
            continue
        # The function body runs to the line that closes the function's brace.
        start, depth = index, 1
        while depth > 0:
            depth += depth_change(lines[index])
            index += 1
        body = lines[start:index - 1]
        where = f"{path}:{start}"
        if body and body[0].strip() == STORAGE_CLOSURE:
            # The fields are visited inside the storage closure, unknown fields after it.
            closure_end = start + 1
            depth = 1
            while depth > 0:
                depth += depth_change(lines[closure_end])
                closure_end += 1
            inner = lines[start + 1:closure_end - 1]
            body = [body[0]] + reorder(inner, where) + lines[closure_end - 1:index - 1]
        else:
            body = reorder(body, where)
        output.extend(body)
        output.append(lines[index - 1])
    return "\n".join(output)


def main():
    for path in sys.argv[1:]:
        with open(path) as file:
            text = file.read()
        reordered = process(text, path)
        if reordered != text:
            with open(path, "w") as file:
                file.write(reordered)


if __name__ == "__main__":
    main()
