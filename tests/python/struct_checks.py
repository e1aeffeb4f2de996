"""Structs and left-out Optional inputs through the module of flyte-test-tasks.

    struct_checks.py MODULE.py FILE FOLDER

A workflow runs the `roundtrip` task twice locally (through FLYTE_RS_BINARY): the ready-made
`tests_roundtrip`, then the `RoundTrip` task class on its struct output, both called without
their Optional inputs `optional_int_set` and `optional_int_none`; a Python task reads the
struct output (a `Shape` dataclass) by attribute, and the workflow passes on a field of it
(`ready.o_a_dataclass.name`). Prints JSON: what the Python task saw, how flytekit compiles the
left-out inputs into the workflow, the msgpack bytes flytekit writes for a `Shape`, and the
variables whose Flyte type flytekit derives from the module's Python types differently from
the binary's template.
"""
import base64
import datetime
import importlib.util
import json
import sys
import typing
from collections import OrderedDict

# Imported as a module is (flytekit's dataclass code finds the classes through sys.modules).
spec = importlib.util.spec_from_file_location("test_tasks_module", sys.argv[1])
m = importlib.util.module_from_spec(spec)
sys.modules["test_tasks_module"] = m
spec.loader.exec_module(m)

from flytekit import task, workflow  # noqa: E402
from flytekit.core.context_manager import FlyteContextManager  # noqa: E402
from flytekit.core.interface import transform_interface_to_typed_interface  # noqa: E402
from flytekit.core.type_engine import TypeEngine  # noqa: E402
from flytekit.tools.translator import get_serializable  # noqa: E402
from flytekit.types.directory import FlyteDirectory  # noqa: E402
from flytekit.types.file import FlyteFile  # noqa: E402
from google.protobuf.json_format import MessageToDict  # noqa: E402

path, folder = sys.argv[2], sys.argv[3]
sent = m.Shape(name="square", points=[m.Point(x=1.5, y=-2.0)], tags={"k": 3}, color=m.Shape.Color("green"))
roundtrip_class = m.RoundTrip("wf.roundtrip")
Enum = m.tests_roundtrip.python_interface.inputs["an_enum"]
# Every input but the Optional ones.
given = dict(
    an_int=7, a_negative_int=-7, a_float=0.5, a_str="s", a_bool=True,
    a_datetime=datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
    a_duration=datetime.timedelta(seconds=90), int_list=[1, 2], str_list=["a"], nested_list=[[1], [2, 3]],
    float_map={"x": 1.25}, an_enum=Enum("red"), dataclass_list=[m.Point(x=0.0, y=1.0)],
)


@task
def describe(shape: m.Shape, name: str, first: m.Point, set_: typing.Optional[int],
             none: typing.Optional[int]) -> str:
    return json.dumps({
        "type": type(shape).__name__, "name": shape.name, "x": shape.points[0].x, "color": shape.color.value,
        "tags": shape.tags, "note": shape.note, "field_by_promise": name, "first": [type(first).__name__, first.y],
        "optional_int_set": set_, "optional_int_none": none, "equal": shape == sent,
    })


@workflow
def wf(shape: m.Shape, file: FlyteFile, directory: FlyteDirectory) -> str:
    ready = m.tests_roundtrip(a_dataclass=shape, a_file=file, a_directory=directory, **given)
    by_class = roundtrip_class(a_dataclass=ready.o_a_dataclass, a_file=file, a_directory=directory, **given)
    return describe(shape=by_class.o_a_dataclass, name=ready.o_a_dataclass.name, first=ready.o_dataclass_list[0],
                    set_=by_class.o_optional_int_set, none=ready.o_optional_int_none)


out = {"workflow": json.loads(wf(shape=sent, file=FlyteFile(path), directory=FlyteDirectory(folder)))}

# Compiled, the workflow binds each left-out Optional input to none (what the task gets on a
# cluster).
from flytekit.configuration import Image, ImageConfig, SerializationSettings  # noqa: E402

settings = SerializationSettings(project="p", domain="d", version="v",
                                 image_config=ImageConfig(default_image=Image(name="d", fqn="i", tag="t")))
spec = get_serializable(OrderedDict(), settings, wf)
bindings = {}
for node in spec.template.nodes:
    for b in node.inputs:
        if b.var.startswith("optional_"):
            bindings[f"{node.id} {b.var}"] = MessageToDict(b.binding.to_flyte_idl())
out["bindings"] = bindings

ctx = FlyteContextManager.current_context()
literal = TypeEngine.to_literal(ctx, sent, m.Shape, TypeEngine.to_literal_type(m.Shape))
out["shape_msgpack"] = base64.b64encode(literal.scalar.binary.value).decode()
out["shape_tag"] = literal.scalar.binary.tag

# Every Python type of the module is flytekit's type of the binary's: the dataclasses too.
differ = []
for name, t in {"ready-made": m.tests_roundtrip, "class": roundtrip_class}.items():
    derived = transform_interface_to_typed_interface(t.python_interface)
    for side in ("inputs", "outputs"):
        ours, theirs = getattr(derived, side), getattr(t.interface, side)
        for var in theirs:
            a = ours[var].type.to_flyte_idl().SerializeToString(deterministic=True)
            if a != theirs[var].type.to_flyte_idl().SerializeToString(deterministic=True):
                differ.append(f"{name} {var}")
out["types_differ"] = differ
print(json.dumps(out))
