"""Loads a pod printed by `<binary> pod TASK` (YAML on stdin) into the official Kubernetes
Python client's `V1Pod` model and writes it back out; prints JSON
`{"equal": <the round trip kept every field>, "pod": <what the model holds>}`.

A field the model does not know is dropped by the client, and a value of the wrong type
fails to load, so `equal` is true only when every field name and type is Kubernetes' own.
"""
import json
import sys

import yaml
from kubernetes.client import ApiClient


class _Response:
    def __init__(self, data):
        self.data = data


def main():
    printed = yaml.safe_load(sys.stdin.read())
    client = ApiClient()
    pod = client.deserialize(_Response(json.dumps(printed)), "V1Pod")
    back = client.sanitize_for_serialization(pod)
    print(json.dumps({"equal": back == printed, "pod": back, "printed": printed}))


if __name__ == "__main__":
    main()
