"""Judges literals written by flyte-rs with flytekit's own TypeEngine.

Reads a flyteidl.core.LiteralMap (bytes) on stdin, written by the golden test from Rust
values equal to the fixture table (fixtures/make_fixtures.py's type_table). For every
variable, flytekit converts the literal to the Python type of that row and compares it with
the row's value. Prints {name: "ok" | "<why not>"} as JSON.
"""
import datetime
import enum
import json
import sys
import typing
from dataclasses import dataclass

from flyteidl.core import literals_pb2
from flytekit import FlyteContextManager
from flytekit.core.type_engine import TypeEngine
from flytekit.models.literals import LiteralMap
from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


@dataclass
class Point:
    x: float
    y: float


@dataclass
class Shape:
    name: str
    points: typing.List[Point]
    tags: typing.Dict[str, int]
    color: Color = Color.RED
    note: typing.Optional[str] = None


BLOBS = "s3://fixture-bucket/data/"
TABLE = {
    "an_int": (int, 42),
    "a_negative_int": (int, -7),
    "a_float": (float, 3.25),
    "a_str": (str, "hello, flyte ✓"),
    "a_bool": (bool, True),
    "a_datetime": (datetime.datetime, datetime.datetime(2024, 5, 17, 12, 30, 45, 123456, tzinfo=datetime.timezone.utc)),
    "a_duration": (datetime.timedelta, datetime.timedelta(hours=1, minutes=2, seconds=3, microseconds=4000)),
    "int_list": (typing.List[int], [1, 2, 3]),
    "str_list": (typing.List[str], ["a", "b", ""]),
    "nested_list": (typing.List[typing.List[int]], [[1], [], [2, 3]]),
    "float_map": (typing.Dict[str, float], {"x": 1.5, "y": -2.0}),
    "optional_int_set": (typing.Optional[int], 5),
    "optional_int_none": (typing.Optional[int], None),
    "an_enum": (Color, Color.GREEN),
    "a_dataclass": (Shape, Shape(name="tri", points=[Point(0, 0), Point(1, 0), Point(0, 1)], tags={"k": 1})),
    "dataclass_list": (typing.List[Point], [Point(1.0, 2.0), Point(3.0, 4.0)]),
    "a_file": (FlyteFile, BLOBS + "hello.txt"),
    "a_directory": (FlyteDirectory, BLOBS + "72fe43bc6682e960ae12b1b12cd23159"),
}


def judge(name, lit, ctx):
    py_type, expected = TABLE[name]
    try:
        got = TypeEngine.to_python_value(ctx, lit, py_type)
    except Exception as e:  # the verdict is the point: report, do not crash
        return f"flytekit could not read it: {type(e).__name__}: {e}"
    if py_type in (FlyteFile, FlyteDirectory):
        got = got.remote_source or got.path
    if type(got) is not type(expected) and not (expected is None and got is None):
        return f"type {type(got).__name__}, expected {type(expected).__name__}"
    return "ok" if got == expected else f"value {got!r}, expected {expected!r}"


def main():
    pb = literals_pb2.LiteralMap()
    pb.ParseFromString(sys.stdin.buffer.read())
    lmap = LiteralMap.from_flyte_idl(pb)
    ctx = FlyteContextManager.current_context()
    out = {name: judge(name, lit, ctx) for name, lit in lmap.literals.items()}
    missing = sorted(set(TABLE) - set(out))
    for name in missing:
        out[name] = "not written by the Rust side"
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
