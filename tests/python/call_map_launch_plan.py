"""A flytekit workflow that calls a map of ours by its launch plan, two ways, serialized as
`pyflyte package` would serialize it.

    call_map_launch_plan.py PACKAGE.tgz NAME

NAME is the map's workflow and launch plan (`examples.map_add_label`: the adder over lists
`a` and `b`, `label` bound, outputs `total` and `message` lists of optionals).

1. As FlyteRemote hands a fetched launch plan to a workflow: our `LaunchPlan` promoted with
   `FlyteLaunchPlan.promote_from_model`, its interface our workflow's (what
   `FlyteRemote._upgrade_launchplan` sets), called in a `@workflow`.
2. As a Python author declares it without a cluster: `@reference_launch_plan` with Python
   type hints (`List[int]`, `Optional[int]` …); flytekit derives the Flyte types itself.

Prints JSON: the interface flytekit derives from the hints against ours (equal means admin's
compiler sees the types it checks for), and what the calling workflow's node references.
"""
import json
import sys
import tarfile
import typing
from collections import OrderedDict

from flyteidl.admin import launch_plan_pb2, workflow_pb2
from flytekit import workflow
from flytekit.configuration import Image, ImageConfig, SerializationSettings
from flytekit.core.launch_plan import reference_launch_plan
from flytekit.models.admin.workflow import WorkflowSpec
from flytekit.models.launch_plan import LaunchPlan
from flytekit.remote.entities import FlyteLaunchPlan
from flytekit.tools.translator import get_serializable

package, name = sys.argv[1], sys.argv[2]
files = {}
with tarfile.open(package, "r:gz") as tar:
    for member in tar.getmembers():
        files[member.name] = tar.extractfile(member).read()


def one(suffix, message):
    found = [data for f, data in files.items() if f.endswith(f"_{name}{suffix}")]
    pb = message()
    pb.ParseFromString(found[0])
    return pb


wf_spec = WorkflowSpec.from_flyte_idl(one("_2.pb", workflow_pb2.WorkflowSpec))
lp = LaunchPlan.from_flyte_idl(one("_3.pb", launch_plan_pb2.LaunchPlan))
ours = wf_spec.template.interface

settings = SerializationSettings(
    project="demo", domain="development", version="v1",
    image_config=ImageConfig(default_image=Image(name="default", fqn="img", tag="1")),
)


# 1. A fetched launch plan, called from a workflow.
fetched = FlyteLaunchPlan.promote_from_model(lp.id, lp.spec)
fetched._interface = ours


@workflow
def calls_fetched(a: typing.List[int], b: typing.List[int]) -> typing.List[typing.Optional[int]]:
    return fetched(a=a, b=b, label="sum").total


spec = get_serializable(OrderedDict(), settings, calls_fetched)
node = spec.template.nodes[0]
declared_output = spec.template.interface.outputs["o0"].type
map_output = ours.outputs["total"].type


# 2. A reference launch plan declared with Python hints.
class Outputs(typing.NamedTuple):
    message: typing.List[typing.Optional[str]]
    total: typing.List[typing.Optional[int]]


@reference_launch_plan(project="demo", domain="development", name=name, version="v1")
def declared(a: typing.List[int], b: typing.List[int], label: str) -> Outputs:
    ...


reference = declared.interface

print(json.dumps({
    "fetched_node_launch_plan": node.workflow_node.launchplan_ref.name if node.workflow_node else None,
    "fetched_node_inputs": sorted(b.var for b in node.inputs),
    # A workflow returning List[Optional[int]] types its output exactly as our map's `total`.
    "declared_output_equal": declared_output.to_flyte_idl() == map_output.to_flyte_idl(),
    "reference_inputs_equal": {k: reference.inputs[k].type.to_flyte_idl() == ours.inputs[k].type.to_flyte_idl()
                               for k in ours.inputs},
    "reference_outputs_equal": {k: reference.outputs[k].type.to_flyte_idl() == ours.outputs[k].type.to_flyte_idl()
                                for k in ours.outputs},
    "reference_names_equal": sorted(reference.inputs) == sorted(ours.inputs)
    and sorted(reference.outputs) == sorted(ours.outputs),
}))
