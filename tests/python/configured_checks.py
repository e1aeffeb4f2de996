"""The `configured` task type of flyte-test-tasks through its generated module.

    configured_checks.py MODULE.py ROUNDTRIP.pb

For each configuration: what the config class writes into `custom`, and what the binary
writes back after reading it (the task's output: its configuration through `get_custom`,
base64), the task run locally through FLYTE_RS_BINARY; then the errors of configurations of
the wrong type; and whether the `roundtrip` task class (dataclass and enum inputs) registers
the interface of the binary's template ROUNDTRIP.pb, byte for byte. Prints JSON.
"""
import base64
import importlib.util
import json
import sys

from google.protobuf import struct_pb2

spec = importlib.util.spec_from_file_location("test_tasks_module", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)

configs = {
    "defaults": module.ConfiguredConfig(name="n"),
    "every_field": module.ConfiguredConfig(name="n", row_count=7, ratio=0.25, tags=["a", "b"],
                                           weights={"x": 1.5, "y": -2}, limit=-4, mode="fast",
                                           shade="dark"),
}
out = {}
for name, config in configs.items():
    custom = struct_pb2.Struct()
    custom.update(config.to_custom())
    out[name] = {
        "custom": config.to_custom(),
        "python": base64.b64encode(custom.SerializeToString(deterministic=True)).decode(),
        "rust": module.Configured(f"c.{name}", config=config)(),
    }
errors = {}
for name, make in {
    "list_item": lambda: module.ConfiguredConfig(name="n", tags=["a", 1]),
    "map_value": lambda: module.ConfiguredConfig(name="n", weights={"x": "heavy"}),
    "optional": lambda: module.ConfiguredConfig(name="n", limit="3"),
    "missing": lambda: module.Configured("c.missing", row_count=1),
}.items():
    try:
        make()
        errors[name] = None
    except TypeError as e:
        errors[name] = str(e)
out["errors"] = errors
from flyteidl.core import tasks_pb2  # noqa: E402

roundtrip = tasks_pb2.TaskTemplate()
roundtrip.ParseFromString(open(sys.argv[2], "rb").read())
out["roundtrip_interface_equal"] = (
    module.RoundTrip("c.roundtrip").interface.to_flyte_idl().SerializeToString(deterministic=True)
    == roundtrip.interface.SerializeToString(deterministic=True))
print(json.dumps(out))
