"""Reads TaskTemplate bytes on stdin and prints them as protobuf JSON, as flytekit shows
templates (google.protobuf.json_format.MessageToJson over flyteidl's generated class)."""

import sys

from flyteidl.core import tasks_pb2
from google.protobuf import json_format

template = tasks_pb2.TaskTemplate()
template.ParseFromString(sys.stdin.buffer.read())
print(json_format.MessageToJson(template))
