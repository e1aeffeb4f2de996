"""Reads a TaskTemplate's bytes on stdin as flytekit reads a registered task's template
(`flytekit.models.task.TaskTemplate.from_flyte_idl`) and prints its deck flag as JSON:
{"present": whether the BoolValue is set, "generates_deck": flytekit's model's value}."""
import json
import sys

from flyteidl.core import tasks_pb2
from flytekit.models.task import TaskTemplate

pb = tasks_pb2.TaskTemplate()
pb.ParseFromString(sys.stdin.buffer.read())
model = TaskTemplate.from_flyte_idl(pb)
print(json.dumps({"present": pb.metadata.HasField("generates_deck"),
                  "generates_deck": model.metadata.generates_deck}))
