"""Reads a registration package as flytectl would be handed it, with flytekit as the judge.

    check_package.py PACKAGE.tgz

For every file of the gzipped tar: parse it as flyteidl.admin.TaskSpec, load it with
flytekit's `TaskSpec.from_flyte_idl`, and write it back with `to_flyte_idl`. Prints one
JSON object per file: what flytekit read, and whether its re-serialization equals the bytes
in the package (nothing dropped, nothing it does not understand).
"""
import json
import sys
import tarfile

from flyteidl.admin import task_pb2
from flytekit.models.task import TaskSpec

out = []
with tarfile.open(sys.argv[1], "r:gz") as tar:
    for member in tar.getmembers():
        data = tar.extractfile(member).read()
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
        out.append(
            {
                "file": member.name,
                "mode": member.mode,
                "regular": member.isreg(),
                "name": t.id.name,
                "type": t.type,
                "image": image,
                "args": args,
                "env": env,
                "inputs": sorted(t.interface.inputs.keys()),
                "outputs": sorted(t.interface.outputs.keys()),
                "custom": t.custom,
                "secrets": [s.group for s in (t.security_context.secrets if t.security_context else [])],
                "short_description": spec.docs.short_description if spec.docs else None,
                "reserialized_equal": spec.to_flyte_idl().SerializeToString(deterministic=True)
                == pb.SerializeToString(deterministic=True),
                "bytes_equal": pb.SerializeToString(deterministic=True) == data,
            }
        )
print(json.dumps(out))
