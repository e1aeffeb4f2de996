"""Checks of a module written by `python-module`, run in the flytekit venv.

    rust_module_checks.py DIR custom   -> {name: base64 of custom}: each configuration's
        `custom` as the config class writes it and as flytekit's template of a task carries
        it (deterministic Struct bytes), for the configurations tests/python_module.rs makes
        in Rust
    rust_module_checks.py DIR wrong    -> {case: the error's message}: configurations of the
        wrong type or with unknown fields, and ones the task type's own check refuses (through
        FLYTE_RS_BINARY)
    rust_module_checks.py DIR interfaces TEMPLATES -> {case: "equal" or the difference}: the
        interface flytekit derives from the module's Python types against the binary's
        templates in TEMPLATES (`<name>.pb`): each ready-made task, each task class made like a
        registered instance, and each map's reference launch plan
    rust_module_checks.py DIR pod TEMPLATE -> the adder with the pod template of
        `examples.add_in_pod` made in Python: whether its template is TEMPLATE's (but for the
        id and metadata.runtime), and what it returns run locally (through FLYTE_RS_BINARY)
    rust_module_checks.py DIR deck -> a workflow of an adder with enable_deck=False, one with the
        default, one of a task type whose default is off (`_ENABLE_DECK = False`) turned on,
        and the ready-made `examples.add`: each task's `TaskMetadata.generates_deck` as the
        workflow's serialization (what `pyflyte package` writes) carries it, and the INFO
        lines flytekit's logger printed when the workflow ran locally (through FLYTE_RS_BINARY),
        then when the adder that is on failed (its error code in "failed")
    rust_module_checks.py DIR expected DB FILE KEY -> what the workflow must return, computed
        without the binary: the query with Python's sqlite3, the HMAC with Python's hmac
"""
import base64
import hashlib
import hmac
import json
import sqlite3
import sys

sys.path.insert(0, sys.argv[1])
what = sys.argv[2]

if what == "expected":
    db, path, key = sys.argv[3:6]
    rows = sqlite3.connect(db).execute(
        "SELECT Name, Milliseconds FROM tracks WHERE Composer = ? ORDER BY TrackId", ("Ferris",)).fetchall()
    print(json.dumps({
        "rows": [{"Name": n, "Milliseconds": ms} for n, ms in rows],
        "digest": hmac.new(key.encode(), open(path, "rb").read(), hashlib.sha256).hexdigest(),
    }))
    sys.exit(0)

from google.protobuf import struct_pb2  # noqa: E402

from flyte_examples_tasks import (AddTask, AddTaskConfig, ChecksumTask, ChecksumTaskConfig,  # noqa: E402
                                  SqliteTask, SqliteTaskConfig)


def b64(custom: dict) -> str:
    s = struct_pb2.Struct()
    s.update(custom)
    return base64.b64encode(s.SerializeToString(deterministic=True)).decode()


def of_template(task) -> str:
    return base64.b64encode(task.template_pb().custom.SerializeToString(deterministic=True)).decode()


if what == "custom":
    add = AddTaskConfig(offset=7)
    sqlite = SqliteTaskConfig(uri="s3://bucket/db.zip", compressed=True,
                              query_template="SELECT * FROM t WHERE a = {{ .inputs.a }}")
    checksum = ChecksumTaskConfig(secret_group="g", secret_key="k")
    print(json.dumps({
        "adder": b64(add.to_custom()),
        "adder_template": of_template(AddTask("c.add", config=add)),
        "sqlite": b64(sqlite.to_custom()),
        "sqlite_template": of_template(SqliteTask("c.sqlite", config=sqlite, inputs={"a": int})),
        "checksum": b64(checksum.to_custom()),
        "checksum_template": of_template(ChecksumTask("c.checksum", secret_group="g", secret_key="k")),
    }))
elif what == "interfaces":
    import os

    import flyte_examples_tasks as module
    from flyteidl.core import tasks_pb2
    from flytekit.core.interface import transform_interface_to_typed_interface
    from flytekit.models.interface import TypedInterface

    def template(name):
        pb = tasks_pb2.TaskTemplate()
        pb.ParseFromString(open(os.path.join(sys.argv[3], name + ".pb"), "rb").read())
        return TypedInterface.from_flyte_idl(pb.interface)

    def compare(derived, expected):
        a, b = derived.to_flyte_idl(), expected.to_flyte_idl()
        if a.SerializeToString(deterministic=True) == b.SerializeToString(deterministic=True):
            return "equal"
        return f"derived {a} expected {b}"

    out = {}
    for name in module.__all__:
        obj = getattr(module, name)
        if isinstance(obj, module.RegisteredTask):
            # The Python types the module gives, against the binary's own template.
            out[f"ready-made {obj.name}"] = compare(
                transform_interface_to_typed_interface(obj.python_interface), obj.interface)
    made = {
        "examples.add": AddTask("i.add", offset=0),
        "examples.sqlite_by_composer": SqliteTask("i.sql", uri="x", query_template="SELECT 1",
                                                  inputs={"composer": str}),
        "examples.checksum": ChecksumTask("i.checksum", secret_group="g", secret_key="k"),
    }
    for rust_name, task in made.items():
        # The interface the task registers, and the one flytekit derives from its Python types.
        out[f"class like {rust_name}"] = compare(task.interface, template(rust_name))
        out[f"class like {rust_name}, its Python types"] = compare(
            transform_interface_to_typed_interface(task.python_interface), template(rust_name))
    lp = module.examples_map_add_label("p", "d", "v")
    out["map examples.map_add_label"] = compare(lp.interface, template("examples.map_add_label"))
    print(json.dumps(out))
elif what == "pod":
    from flyteidl.core import tasks_pb2
    from flytekit import PodTemplate
    from google.protobuf.json_format import MessageToDict
    from kubernetes.client import (V1Container, V1EmptyDirVolumeSource, V1EnvVar, V1PodSpec, V1Volume,
                                   V1VolumeMount)

    task = AddTask("examples.add_in_pod", offset=100, pod_template=PodTemplate(
        primary_container_name="adder", labels={"app": "adder"},
        pod_spec=V1PodSpec(
            containers=[V1Container(name="adder", env=[V1EnvVar(name="SCRATCH", value="/scratch")],
                                    volume_mounts=[V1VolumeMount(name="scratch", mount_path="/scratch")])],
            volumes=[V1Volume(name="scratch", empty_dir=V1EmptyDirVolumeSource())])))
    python = task.template_pb()
    rust = tasks_pb2.TaskTemplate()
    rust.ParseFromString(open(sys.argv[3], "rb").read())
    for t in (python, rust):
        t.ClearField("id")
        t.metadata.ClearField("runtime")
    # As `pyflyte register` serializes it (fast registration): the same template.
    from collections import OrderedDict

    from flytekit.configuration import FastSerializationSettings, Image, ImageConfig, SerializationSettings
    from flytekit.tools.translator import get_serializable
    fast = get_serializable(OrderedDict(), SerializationSettings(
        project="p", domain="d", version="v",
        image_config=ImageConfig(default_image=Image(name="default", fqn="img", tag="1")),
        fast_serialization_settings=FastSerializationSettings(
            enabled=True, destination_dir="/root", distribution_location="s3://bucket/code.tgz"),
    ), task).template.to_flyte_idl()
    fast.ClearField("id")
    fast.metadata.ClearField("runtime")
    ran = task(a=1, b=2, label="pod")
    print(json.dumps({
        "equal": python.SerializeToString(deterministic=True) == rust.SerializeToString(deterministic=True),
        "fast_equal": fast.SerializeToString(deterministic=True) == rust.SerializeToString(deterministic=True),
        "python": MessageToDict(python), "rust": MessageToDict(rust),
        "total": ran.total, "message": ran.message,
    }))
elif what == "deck":
    import logging
    from collections import OrderedDict

    from flytekit import workflow
    from flytekit.configuration import Image, ImageConfig, SerializationSettings
    from flytekit.loggers import logger
    from flytekit.models.task import TaskSpec
    from flytekit.tools.translator import get_serializable

    import flyte_examples_tasks as module_errors
    from flyte_examples_tasks import examples_add

    lines = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append([record.levelname, record.getMessage()])

    logger.addHandler(Keep())
    logger.setLevel(logging.INFO)

    class NoDeckByDefault(AddTask):
        _ENABLE_DECK = False  # as the module writes a task type with enable_deck = false

    off = AddTask("deck.off", offset=1, enable_deck=False)
    on = AddTask("deck.on", offset=2)
    type_off = NoDeckByDefault("deck.type_off", offset=0)
    type_off_on = NoDeckByDefault("deck.type_off_on", offset=0, enable_deck=True)

    @workflow
    def decks(a: int) -> int:
        x = off(a=a, b=1, label="off")
        y = on(a=x.total, b=1, label="on")
        z = type_off(a=y.total, b=0, label="type off")
        w = type_off_on(a=z.total, b=0, label="type off, task on")
        return examples_add(a=w.total, b=0, label="ready-made").total

    entities = OrderedDict()
    get_serializable(entities, SerializationSettings(
        project="p", domain="d", version="v",
        image_config=ImageConfig(default_image=Image(name="default", fqn="img", tag="1"))), decks)
    templates = {}
    for spec in entities.values():
        if isinstance(spec, TaskSpec):
            md = spec.template.to_flyte_idl().metadata
            templates[spec.template.id.name] = {
                "present": md.HasField("generates_deck"),
                "value": md.generates_deck.value,
                "flytekit_enable_deck": next(t for t in (off, on, type_off, type_off_on, examples_add)
                                             if t.name == spec.template.id.name).enable_deck,
            }
    total = decks(a=1)
    try:  # a failed run leaves its deck too (its Error section), logged as well
        on(a=2**63 - 1, b=0, label="too big")
        failed = None
    except module_errors.RustTaskError as e:
        failed = e.code
    print(json.dumps({"templates": templates, "total": total, "failed": failed,
                      "logs": [line for line in lines if "deck" in line[1]]}))
elif what == "wrong":
    cases = {
        "string_offset": lambda: AddTask("w.add", offset="3"),
        "bool_offset": lambda: AddTaskConfig(offset=True),
        "int_uri": lambda: SqliteTask("w.sql", uri=3, query_template="SELECT 1"),
        "unknown_field": lambda: AddTask("w.add", offset=1, ofset=2),
        "fixed_inputs": lambda: AddTask("w.add", offset=1, inputs={"x": int}),
        "config_of_another_type": lambda: AddTask("w.add", config=ChecksumTaskConfig(secret_group="g", secret_key="k")),
        # The task type's own check (its validate_with), run by the binary when the task is made.
        "empty_uri": lambda: SqliteTask("w.sql", uri="", query_template="SELECT 1"),
        "undeclared_query_input": lambda: SqliteTask(
            "w.sql", uri="x.db", query_template="SELECT * FROM t LIMIT {{ .inputs.n }}", inputs={"m": int}),
    }
    out = {}
    for name, make in cases.items():
        try:
            make()
            out[name] = None
        except (TypeError, ValueError) as e:
            out[name] = f"{type(e).__name__}: {e}"
    # A valid configuration passes the binary's check.
    SqliteTask("w.sql", uri="x.db", query_template="SELECT * FROM t LIMIT {{ .inputs.n }}", inputs={"n": int})
    print(json.dumps(out))
