"""Prints the descriptors of named flyteidl messages and enums as JSON, for the conformance test.

Reads a JSON list of full names on stdin; writes {name: description} on stdout, with
null for a name flyteidl does not define. Same shape as tests/conformance.rs builds for ours.
"""
import importlib
import json
import pkgutil
import sys

import flyteidl
from google.protobuf import descriptor_pool


def load_pool():
    for mod in pkgutil.walk_packages(flyteidl.__path__, "flyteidl."):
        if mod.name.endswith("_pb2"):
            try:
                importlib.import_module(mod.name)
            except Exception:  # some service modules need grpc; the messages we compare do not
                pass
    return descriptor_pool.Default()


def describe_message(m):
    fields = []
    for f in m.fields:
        ref = f.message_type or f.enum_type
        fields.append({
            "name": f.name,
            "number": f.number,
            "type": f.type,
            "repeated": bool(f.is_repeated),
            "type_name": ref.full_name if ref is not None else "",
            "oneof": f.containing_oneof.name if f.containing_oneof else "",
        })
    return {"kind": "message", "fields": fields}


def describe_enum(e):
    return {"kind": "enum", "values": [{"name": v.name, "number": v.number} for v in e.values]}


def main():
    pool = load_pool()
    out = {}
    for name in json.load(sys.stdin):
        try:
            out[name] = describe_message(pool.FindMessageTypeByName(name))
        except KeyError:
            try:
                out[name] = describe_enum(pool.FindEnumTypeByName(name))
            except KeyError:
                out[name] = None
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
