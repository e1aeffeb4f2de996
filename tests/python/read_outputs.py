"""Reads an outputs.pb written by flyte-rs with flytekit's TypeEngine, as a downstream
flytekit task would: the Python types are guessed from the template's output interface.

Usage: read_outputs.py TEMPLATE.pb OUTPUTS.pb
Prints {name: repr(python value)} as JSON; fails if flytekit cannot convert a literal.
"""
import json
import sys

from flyteidl.core import literals_pb2, tasks_pb2
from flytekit import FlyteContextManager
from flytekit.core.type_engine import TypeEngine
from flytekit.models.interface import TypedInterface
from flytekit.models.literals import LiteralMap


def main():
    template = tasks_pb2.TaskTemplate()
    template.ParseFromString(open(sys.argv[1], "rb").read())
    outputs = literals_pb2.LiteralMap()
    outputs.ParseFromString(open(sys.argv[2], "rb").read())
    interface = TypedInterface.from_flyte_idl(template.interface)
    types = TypeEngine.guess_python_types(interface.outputs)
    ctx = FlyteContextManager.current_context()
    lm = LiteralMap.from_flyte_idl(outputs)
    values = TypeEngine.literal_map_to_kwargs(ctx, lm, types)
    print(json.dumps({k: repr(v) for k, v in sorted(values.items())}))


if __name__ == "__main__":
    main()
