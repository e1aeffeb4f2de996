"""Reads a registration package as flytectl would be handed it, with flytekit as the judge.

    check_package.py PACKAGE.tgz

flytectl decodes each file of the gzipped tar by its name's mark: `_1.pb` a
flyteidl.admin.TaskSpec, `_2.pb` a WorkflowSpec, `_3.pb` a LaunchPlan. Each is parsed so,
loaded with flytekit's model (`TaskSpec`, `WorkflowSpec`, `LaunchPlan` `.from_flyte_idl`) and
written back with `to_flyte_idl`. Prints one JSON object per file: what flytekit read, and
whether its re-serialization equals the bytes in the package (nothing dropped, nothing it does
not understand). flytekit's workflow and launch plan models do not round-trip everything
themselves; the fields they drop or add are set aside and listed (`set_aside`).
"""
import json
import sys
import tarfile

from flyteidl.admin import launch_plan_pb2, task_pb2, workflow_pb2
from flytekit.models.admin.workflow import WorkflowSpec
from flytekit.models.launch_plan import LaunchPlan
from flytekit.models.task import TaskSpec


def canonical(msg):
    return msg.SerializeToString(deterministic=True)


def descriptions(interface):
    """Each variable's description, as flytekit's model reads it."""
    return {
        "inputs": {k: v.description for k, v in interface.inputs.items()},
        "outputs": {k: v.description for k, v in interface.outputs.items()},
    }


def task(member, data):
    pb = task_pb2.TaskSpec()
    pb.ParseFromString(data)
    spec = TaskSpec.from_flyte_idl(pb)
    t = spec.template
    container = t.container
    image = args = env = None
    if container:
        image, args, env = container.image, list(container.args), dict(container.env)
    elif t.k8s_pod:
        # A pod template: the task runs in the container `config` names.
        primary = t.config["primary_container_name"]
        pc = next(c for c in t.k8s_pod.pod_spec["containers"] if c["name"] == primary)
        image, args = pc.get("image"), pc.get("args")
        env = {e["name"]: e.get("value") for e in pc.get("env", [])}
    return pb, spec.to_flyte_idl(), [], {
        "kind": "task",
        "name": t.id.name,
        "type": t.type,
        "image": image,
        "args": args,
        "env": env,
        "inputs": sorted(t.interface.inputs.keys()),
        "outputs": sorted(t.interface.outputs.keys()),
        "descriptions": descriptions(t.interface),
        "custom": t.custom,
        "secrets": [s.group for s in (t.security_context.secrets if t.security_context else [])],
        "short_description": spec.docs.short_description if spec.docs else None,
    }


# Fields of an ArrayNode that flytekit 1.16's `ArrayNode.from_flyte_idl` does not read (it
# keeps node, parallelism, the success criterion and run_all_sub_nodes), and an empty
# TaskNode.overrides, which its TaskNode model leaves out.
ARRAY_NODE_UNREAD = ["execution_mode", "is_original_sub_node_interface", "data_mode", "bound_inputs"]


def without_unread(spec):
    """A copy of a WorkflowSpec without the fields flytekit's models do not read."""
    copy = workflow_pb2.WorkflowSpec()
    copy.CopyFrom(spec)
    for node in copy.template.nodes:
        if node.HasField("array_node"):
            for f in ARRAY_NODE_UNREAD:
                node.array_node.ClearField(f)
            sub = node.array_node.node
            if sub.HasField("task_node") and not sub.task_node.overrides.ListFields():
                sub.task_node.ClearField("overrides")
    return copy


def workflow(member, data):
    pb = workflow_pb2.WorkflowSpec()
    pb.ParseFromString(data)
    spec = WorkflowSpec.from_flyte_idl(pb)
    back = spec.to_flyte_idl()
    set_aside = ["ArrayNode." + f for f in ARRAY_NODE_UNREAD] + ["TaskNode.overrides (empty)"]
    pb, back = without_unread(pb), without_unread(back)
    t = spec.template
    arrays = []
    for n in pb.template.nodes:
        if n.HasField("array_node"):
            a = n.array_node
            arrays.append({
                "node": n.id,
                "task": a.node.task_node.reference_id.name,
                "parallelism": a.parallelism if a.HasField("parallelism") else None,
                "min_success_ratio": a.min_success_ratio if a.HasField("min_success_ratio") else None,
                "min_successes": a.min_successes if a.HasField("min_successes") else None,
            })
    return pb, back, set_aside, {
        "kind": "workflow",
        "name": t.id.name,
        "inputs": sorted(t.interface.inputs.keys()),
        "outputs": sorted(t.interface.outputs.keys()),
        "descriptions": descriptions(t.interface),
        "nodes": [n.id for n in t.nodes],
        "array_nodes": arrays,
        "short_description": spec.docs.short_description if spec.docs else None,
    }


def launch_plan(member, data):
    pb = launch_plan_pb2.LaunchPlan()
    pb.ParseFromString(data)
    lp = LaunchPlan.from_flyte_idl(pb)
    back = lp.to_flyte_idl()
    # flytekit's LaunchPlanSpec model always writes the deprecated auth_role, empty.
    set_aside = ["LaunchPlanSpec.auth_role (empty)"] if not back.spec.auth_role.ListFields() else []
    back.spec.ClearField("auth_role")
    return pb, back, set_aside, {
        "kind": "launch plan",
        "name": lp.id.name,
        "workflow": lp.spec.workflow_id.name,
        "required_inputs": sorted(k for k, p in lp.spec.default_inputs.parameters.items() if p.required),
        "input_descriptions": {k: p.var.description for k, p in lp.spec.default_inputs.parameters.items()},
    }


READERS = {"_1.pb": task, "_2.pb": workflow, "_3.pb": launch_plan}

out = []
with tarfile.open(sys.argv[1], "r:gz") as tar:
    for member in tar.getmembers():
        data = tar.extractfile(member).read()
        read = next(r for suffix, r in READERS.items() if member.name.endswith(suffix))
        pb, back, set_aside, seen = read(member, data)
        parsed = {"task": task_pb2.TaskSpec, "workflow": workflow_pb2.WorkflowSpec,
                  "launch plan": launch_plan_pb2.LaunchPlan}[seen["kind"]]()
        parsed.ParseFromString(data)
        seen.update(
            {
                "file": member.name,
                "mode": member.mode,
                "regular": member.isreg(),
                "set_aside": set_aside,
                "reserialized_equal": canonical(back) == canonical(pb),
                "bytes_equal": canonical(parsed) == data,
            }
        )
        out.append(seen)
print(json.dumps(out))
