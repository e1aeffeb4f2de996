"""Reads a message's bytes on stdin and prints them as protobuf JSON, as flytekit shows
templates (google.protobuf.json_format.MessageToJson over flyteidl's generated class).

    template_json.py [MESSAGE]

MESSAGE: `flyteidl.core.TaskTemplate` (the default), `flyteidl.admin.WorkflowSpec` or
`flyteidl.admin.LaunchPlan`.
"""

import sys

from flyteidl.admin import launch_plan_pb2, workflow_pb2
from flyteidl.core import tasks_pb2
from google.protobuf import json_format

CLASSES = {
    "flyteidl.core.TaskTemplate": tasks_pb2.TaskTemplate,
    "flyteidl.admin.WorkflowSpec": workflow_pb2.WorkflowSpec,
    "flyteidl.admin.LaunchPlan": launch_plan_pb2.LaunchPlan,
}

message = CLASSES[sys.argv[1] if len(sys.argv) > 1 else "flyteidl.core.TaskTemplate"]()
message.ParseFromString(sys.stdin.buffer.read())
print(json_format.MessageToJson(message))
