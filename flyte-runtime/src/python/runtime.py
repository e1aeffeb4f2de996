import base64
import collections
import dataclasses
import datetime
import enum  # noqa: F401 (Flyte enums in the interfaces below)
import json
import os
import shutil
import subprocess
import tempfile
import typing
from collections import OrderedDict

from flyteidl.core import errors_pb2, interface_pb2, literals_pb2, tasks_pb2
from google.protobuf import json_format
from mashumaro.codecs.basic import BasicDecoder
from flytekit.configuration import Image, ImageConfig, SerializationSettings
from flytekit.core.base_task import TaskMetadata
from flytekit.core.context_manager import FlyteContext
from flytekit.core.docstring import Docstring
from flytekit.core.interface import Interface, transform_interface_to_typed_interface
from flytekit.core.launch_plan import ReferenceLaunchPlan
from flytekit.core.pod_template import PodTemplate
from flytekit.core.python_customized_container_task import PythonCustomizedContainerTask
from flytekit.core.resources import construct_extended_resources
from flytekit.core.shim_task import ShimTaskExecutor
from flytekit.core.type_engine import UnionTransformer
from flytekit.core.utils import _serialize_pod_spec
from flytekit.loggers import logger
from flytekit.models.documentation import Description, Documentation
from flytekit.models import literals as _literal_models
from flytekit.models import task as _task_models
from flytekit.models.interface import TypedInterface as _TypedInterface
from flytekit.models.interface import Variable as _Variable
from flytekit.tools.translator import get_serializable
from flytekit.types.directory import FlyteDirectory  # noqa: F401 (interfaces below)
from flytekit.types.file import FlyteFile
from flytekit.types.structured import StructuredDataset

# -- settings --

#: The environment variable that names the binary local runs start (default: BINARY on PATH).
BINARY_ENV = "FLYTE_RS_BINARY"
#: Set to "1" to run local tasks in their own image on the Docker engine instead (or to an
#: image, to run every task in that one): the binary starts the pod there (`run --container`).
DOCKER_ENV = "FLYTE_RS_DOCKER"
#: With DOCKER_ENV: host folders the tasks read (a database, say), separated by os.pathsep,
#: mounted read-only at the same paths. Folders of local file inputs are mounted without asking.
DOCKER_VOLUMES_ENV = "FLYTE_RS_DOCKER_VOLUMES"


class RustTaskError(RuntimeError):
    """A task failed in the Rust binary: the code, message and kind of its error document."""

    def __init__(self, task: str, code: str, message: str, kind: str):
        super().__init__(f"task {task} failed: {code}: {message} ({kind})")
        self.task, self.code, self.message, self.kind = task, code, message, kind


# -- configuration classes ---------------------------------------------------------------

def _describe(spec) -> str:
    kind = spec[0]
    if kind in ("optional", "list", "map"):
        return {"optional": "none or {}", "list": "a list of {}", "map": "a dict of str to {}"}[kind].format(
            _describe(spec[1]))
    return {"str": "a str", "int": "an int", "float": "a float", "bool": "a bool", "any": "anything"}[kind]


def _checked(where: str, value, spec):
    """`value` as `custom` will hold it, or a TypeError naming `where` and what it takes."""
    kind = spec[0]
    if kind == "any":
        return value
    if kind == "optional":
        if value is None:
            return None
        if spec[1][0] in ("list", "map"):
            return _checked(where, value, spec[1])  # the error names the item
        try:
            return _checked(where, value, spec[1])
        except TypeError:
            raise TypeError(f"{where}: expected {_describe(spec)}, got {type(value).__name__} {value!r}") from None
    if kind == "list" and isinstance(value, (list, tuple)):
        return [_checked(f"{where}[{i}]", v, spec[1]) for i, v in enumerate(value)]
    if kind == "map" and isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: _checked(f"{where}[{k!r}]", v, spec[1]) for k, v in value.items()}
    ok = {
        "str": lambda v: isinstance(v, str),
        "bool": lambda v: isinstance(v, bool),
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    }.get(kind, lambda v: False)
    if not ok(value):
        raise TypeError(f"{where}: expected {_describe(spec)}, got {type(value).__name__} {value!r}")
    return value


class RustConfig:
    """The base of the configuration classes: checks every field's type when made, and
    writes `custom` exactly as the Rust configuration struct serializes."""

    #: (python name, key in custom, type spec, left out when None) for each field.
    _FIELDS: typing.ClassVar[typing.Tuple] = ()

    def __post_init__(self):
        for name, _key, spec, _skip in self._FIELDS:
            setattr(self, name, _checked(f"{type(self).__name__}.{name}", getattr(self, name), spec))

    def to_custom(self) -> typing.Dict[str, typing.Any]:
        """The configuration as `TaskTemplate.custom` holds it (serde's keys)."""
        custom = {}
        for name, key, _spec, skip_if_none in self._FIELDS:
            value = getattr(self, name)
            if value is None and skip_if_none:
                continue
            custom[key] = value
        return custom


# -- defaults of the structs' dataclasses ------------------------------------------------

def _default_factory(tp, value: str):
    """A factory of a dataclass field's default: `value`, the default in the binary's schema
    (JSON), decoded as a `tp` each time (a list, a dict or a dataclass cannot be shared)."""
    decoder = BasicDecoder(tp)
    return lambda: decoder.decode(json.loads(value))


# -- running a task through the binary ----------------------------------------------------

_LOCAL_SETTINGS = SerializationSettings(
    project="local", domain="local", version="local",
    image_config=ImageConfig(default_image=Image(name="default", fqn="local", tag="local")),
)


class _RustExecutor(ShimTaskExecutor):
    """Rust tasks run in BINARY (their `execute` entrypoint), never in Python."""

    def execute_from_model(self, tt, **kwargs):
        raise RuntimeError(f"task {tt.id.name} runs in {BINARY}, not in Python")


def _binary(program: str) -> str:
    """The program a container's args start (the image has it on PATH), found here: it runs
    the task locally (`run --template`)."""
    named = os.environ.get(BINARY_ENV)
    if named:
        return named
    found = shutil.which(program)
    if found is None:
        raise FileNotFoundError(
            f"{program} is not on PATH: put it there, or name it with {BINARY_ENV}=/path/to/{program} "
            f"(it runs the task, or with {DOCKER_ENV}=1 starts it in its image)")
    return found


def _primary(name: str, template_pb) -> typing.Tuple[str, str]:
    """The program the template's primary container starts, and its image."""
    if template_pb.HasField("container"):
        args, image = list(template_pb.container.command) + list(template_pb.container.args), template_pb.container.image
    else:
        pod = json_format.MessageToDict(template_pb.k8s_pod.pod_spec)
        primary = template_pb.config.get("primary_container_name", "")
        container = next((c for c in pod.get("containers", []) if c.get("name") == primary), None)
        if container is None:
            raise ValueError(f"task {name}: its pod template has no container named {primary!r} "
                             f"(config primary_container_name), so there is nothing to run")
        args, image = container.get("command", []) + container.get("args", []), container.get("image", "")
    if not args:
        raise ValueError(f"task {name}: its container has no command line, so there is nothing to run")
    return args[0], image


class RustConfigError(ValueError):
    """A task's configuration that its Rust task type refuses (its `validate_with`)."""


def _check_in_binary(name: str, template_pb) -> None:
    """Has BINARY check a task made here as its run will before the executor starts (`run
    --template FILE --check`: the pod, the `execute` it starts, the configuration against the
    task type's own validation), so that a configuration the task type refuses fails where it
    is written, not on the cluster. Without the binary here (registering from a machine that
    does not run tasks), the check is left to the run, where `execute` makes it."""
    program, _image = _primary(name, template_pb)
    try:
        binary = _binary(program)
    except FileNotFoundError:
        logger.debug(f"{name}: {program} is not here; its configuration is checked when it runs")
        return
    with tempfile.TemporaryDirectory(prefix="flyte-rs-check-") as given:
        template_file = os.path.join(given, "template.pb")
        with open(template_file, "wb") as f:
            f.write(template_pb.SerializeToString())
        ran = subprocess.run([binary, "run", "--template", template_file, "--check"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if ran.returncode != 0:
        why = ran.stderr.strip().removeprefix("error: ")
        raise RustConfigError(why or f"{binary} refused task {name} (exit {ran.returncode})")


def _absolute_locations(literal) -> None:
    """Makes every local file, directory and table a literal names (however deep in lists,
    maps and optionals) an absolute file:// URI, as the binary's `run` makes the paths it is
    given: a relative path means this process's folder, which a pod (or the binary's folder
    mounts in Docker mode) cannot know."""
    kind = literal.WhichOneof("value")
    if kind == "collection":
        for item in literal.collection.literals:
            _absolute_locations(item)
    elif kind == "map":
        for item in literal.map.literals.values():
            _absolute_locations(item)
    elif kind == "scalar":
        scalar = literal.scalar
        which = scalar.WhichOneof("value")
        if which == "union":
            _absolute_locations(scalar.union.value)
        elif which in ("blob", "structured_dataset"):
            holder = getattr(scalar, which)
            if holder.uri and "://" not in holder.uri:
                holder.uri = "file://" + os.path.abspath(holder.uri)


def _log_deck(name: str, run_dir: str) -> None:
    """Says where the run's deck is, as flytekit's `_output_deck` says it of a local run (INFO,
    the task's last dotted name): the binary writes `deck.html` under the run's output prefix
    when the template's `generates_deck` is true, on a failure too (its Error section)."""
    deck = os.path.join(run_dir, "deck.html")
    if os.path.isfile(deck):
        logger.info(f"{name.split('.')[-1]} task creates flyte deck html to file://{os.path.abspath(deck)}")


def _run_in_binary(name: str, template_pb, inputs: _literal_models.LiteralMap) -> _literal_models.LiteralMap:
    """Runs one task as a pod runs it, by BINARY's own `run --template`: the pod propeller
    would make of the template (its placeholders, env and pod template), its container's
    `execute` in BINARY or, with DOCKER_ENV, the pod in its image on the Docker engine; then
    outputs.pb (or error.pb) read back, as propeller reads them."""
    ctx = FlyteContext.current_context()
    # The run's folder holds its raw outputs (files the outputs name), so it stays, in
    # flytekit's local sandbox.
    run_dir = ctx.file_access.get_random_local_directory()
    given = tempfile.mkdtemp(prefix="flyte-rs-")
    try:
        template_file, inputs_file = os.path.join(given, "template.pb"), os.path.join(given, "inputs.pb")
        with open(template_file, "wb") as f:
            f.write(template_pb.SerializeToString())
        inputs_pb = inputs.to_flyte_idl()
        for literal in inputs_pb.literals.values():
            _absolute_locations(literal)
        with open(inputs_file, "wb") as f:
            f.write(inputs_pb.SerializeToString())
        program, image = _primary(name, template_pb)
        command = [_binary(program), "run", "--template", template_file, "--inputs-pb", inputs_file,
                   "--dir", run_dir]
        docker = os.environ.get(DOCKER_ENV)
        if docker:
            command += ["--container", image if docker == "1" else docker]
            for folder in os.environ.get(DOCKER_VOLUMES_ENV, "").split(os.pathsep):
                if folder:
                    command += ["--volume", folder]
        ran = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        logger.debug(f"{name}: {ran.stdout}{ran.stderr}")
    finally:
        shutil.rmtree(given, ignore_errors=True)
    _log_deck(name, run_dir)
    outputs, error = os.path.join(run_dir, "outputs.pb"), os.path.join(run_dir, "error.pb")
    if ran.returncode == 0 and os.path.exists(outputs):
        with open(outputs, "rb") as f:
            pb = literals_pb2.LiteralMap()
            pb.ParseFromString(f.read())
            return _literal_models.LiteralMap.from_flyte_idl(pb)
    if os.path.exists(error):
        doc = errors_pb2.ErrorDocument()
        with open(error, "rb") as f:
            doc.ParseFromString(f.read())
        kind = errors_pb2.ContainerError.Kind.Name(doc.error.kind)
        raise RustTaskError(name, doc.error.code, doc.error.message, kind)
    raise RustTaskError(name, "Failed", f"{command[0]} run exited with {ran.returncode}: "
                        f"{(ran.stdout + ran.stderr)[-2000:]}", "NON_RECOVERABLE")


def _documentation(docs) -> typing.Optional[Documentation]:
    """A text as flyte-rs documents a task (its first line short; no format, where flytekit
    assumes reStructuredText), or flytekit's own Documentation."""
    if docs is None or isinstance(docs, Documentation):
        return docs
    return Documentation(short_description=docs.splitlines()[0] if docs else "",
                         long_description=Description(value=docs, format=Description.DescriptionFormat.UNKNOWN))


def _fixed_types(encoded: typing.Optional[str], derived: typing.Dict[str, _Variable]) -> typing.Dict[str, _Variable]:
    if encoded is None:
        return derived
    pb = interface_pb2.VariableMap()
    pb.ParseFromString(base64.b64decode(encoded))
    return {name: _Variable.from_flyte_idl(pb.variables[name]) for name in derived}


class _Descriptions(Docstring):
    """The descriptions of an interface's variables as the binary writes them (a variable's
    doc comment, else its name), given to flytekit as a docstring's: what flytekit derives
    from the Python interface (`transform_interface_to_typed_interface`) then describes each
    variable as the binary does. Every variable is listed, so that flytekit does not share a
    lone output's description among all outputs; there is no summary, so it documents nothing
    else."""

    def __init__(self, inputs: typing.Dict[str, str], outputs: typing.Dict[str, str]):
        self._inputs = dict(inputs)
        self._outputs = dict(outputs)

    @classmethod
    def of(cls, typed: _TypedInterface) -> "_Descriptions":
        return cls({k: v.description for k, v in typed.inputs.items()},
                   {k: v.description for k, v in typed.outputs.items()})

    @property
    def input_descriptions(self) -> typing.Dict[str, str]:
        return dict(self._inputs)

    @property
    def output_descriptions(self) -> typing.Dict[str, str]:
        return dict(self._outputs)

    @property
    def short_description(self) -> typing.Optional[str]:
        return None

    @property
    def long_description(self) -> typing.Optional[str]:
        return None


def _described(interface: Interface, descriptions: _Descriptions) -> Interface:
    """`interface` with `descriptions` as its docstring. Set once flytekit's `__init__` has run:
    given to it, a docstring would become the (empty) docs of a task that has none."""
    return Interface(inputs=interface.inputs_with_defaults, outputs=interface.outputs,
                     output_tuple_name=interface.output_tuple_name, docstring=descriptions)


def _described_reference(lp: ReferenceLaunchPlan, inputs: typing.Dict[str, str],
                         outputs: typing.Dict[str, str]) -> ReferenceLaunchPlan:
    """A reference launch plan whose variables are described as the binary's registered launch
    plan describes them (flytekit builds a reference's interface from Python types alone)."""
    lp._native_interface = _described(lp.python_interface, _Descriptions(inputs, outputs))
    lp._interface = transform_interface_to_typed_interface(lp._native_interface)
    return lp


class _BinaryCommand:
    """Fast registration (`pyflyte register`, `pyflyte run --remote`) swaps the command of a
    task in a pod for one that first downloads the user's Python code; a Rust task runs the
    binary in its image, so its command stays as it is."""

    def get_default_command(self, settings: SerializationSettings) -> typing.List[str]:
        return self.get_command(settings)

    def set_command_fn(self, get_command_fn=None):
        pass

    def reset_command_fn(self):
        pass


class _LeftOutInputs:
    """A task run locally takes the default of each input its call leaves out, None for an
    Optional one, as flytekit binds them when it compiles the call into a workflow (where the
    task then gets them); flytekit's local run would leave them out of the inputs instead."""

    def local_execute(self, ctx, **kwargs):
        for name, (tp, default) in self.python_interface.inputs_with_defaults.items():
            if name not in kwargs and (default is not None or UnionTransformer.is_optional_type(tp)):
                kwargs[name] = default
        return super().local_execute(ctx, **kwargs)


class RustTask(_BinaryCommand, _LeftOutInputs, PythonCustomizedContainerTask):
    """The base of the generated task classes: a task whose executor is in BINARY.

    flytekit serializes it like any PythonCustomizedContainerTask (its `custom` from the
    configuration, its args those of the Rust template resolver); run locally, it runs in
    BINARY (see `_run_in_binary`)."""

    _TASK_TYPE: typing.ClassVar[str] = ""
    _TASK_TYPE_VERSION: typing.ClassVar[int] = 0
    _IMAGE: typing.ClassVar[str] = ""
    _ARGS: typing.ClassVar[typing.List[str]] = []
    _CONFIG: typing.ClassVar[type] = RustConfig
    _INPUTS: typing.ClassVar[typing.Optional[typing.Dict[str, type]]] = None
    _OUTPUTS: typing.ClassVar[typing.Optional[typing.Dict[str, type]]] = None
    #: The fixed sides' Flyte types as the binary writes them (base64 of a VariableMap).
    _INPUT_TYPES: typing.ClassVar[typing.Optional[str]] = None
    _OUTPUT_TYPES: typing.ClassVar[typing.Optional[str]] = None
    #: Whether the task type's runs leave a deck unless a task says otherwise (its
    #: `ENABLE_DECK` in Rust: on unless `#[container_task(enable_deck = false)]`).
    _ENABLE_DECK: typing.ClassVar[bool] = True

    def __init__(self, name: str, config=None, *, inputs: typing.Optional[typing.Dict[str, type]] = None,
                 outputs: typing.Optional[typing.Dict[str, type]] = None,
                 container_image: typing.Optional[str] = None, requests=None, limits=None,
                 environment: typing.Optional[typing.Dict[str, str]] = None, secret_requests=None,
                 retries: int = 0, timeout: typing.Optional[typing.Union[datetime.timedelta, int]] = None,
                 cache: bool = False, cache_version: str = "", cache_serialize: bool = False,
                 cache_ignore_input_vars: typing.Tuple[str, ...] = (), interruptible: typing.Optional[bool] = None,
                 pod_template: typing.Optional[PodTemplate] = None,
                 pod_template_name: typing.Optional[str] = None, accelerator=None, shared_memory=None,
                 docs=None, enable_deck: typing.Optional[bool] = None, **fields):
        cls = type(self).__name__
        if config is None and not dataclasses.is_dataclass(self._CONFIG):
            config = self._CONFIG(**fields)  # fields not described: passed through
        elif config is None:
            known = {f[0] for f in self._CONFIG._FIELDS}
            unknown = sorted(set(fields) - known)
            if unknown:
                raise TypeError(f"{cls}: unknown argument(s) {', '.join(unknown)}; the configuration's "
                                f"fields are {', '.join(sorted(known)) or 'none'}")
            missing = [f.name for f in dataclasses.fields(self._CONFIG) if f.name not in fields
                       and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
            if missing:
                raise TypeError(f"{cls}: the configuration's field(s) {', '.join(missing)} must be given "
                                f"(as keywords, or in config={self._CONFIG.__name__}(...))")
            config = self._CONFIG(**fields)
        elif fields:
            raise TypeError(f"{cls}: give the configuration as config= or as its fields, not both")
        if not isinstance(config, self._CONFIG):
            raise TypeError(f"{cls}: config must be a {self._CONFIG.__name__}, got {type(config).__name__}")

        def side(which, fixed, declared):
            if fixed is None:
                return declared or {}
            if declared:
                raise ValueError(f"{cls}: task type {self._TASK_TYPE!r} fixes its {which}; "
                                 f"they cannot be declared per task")
            return dict(fixed)

        super().__init__(
            name=name, task_config=config, container_image=container_image or self._IMAGE,
            executor_type=_RustExecutor, task_type=self._TASK_TYPE, requests=requests, limits=limits,
            environment=environment, secret_requests=secret_requests,
            interface=Interface(inputs=side("inputs", self._INPUTS, inputs),
                                outputs=side("outputs", self._OUTPUTS, outputs)),
            metadata=TaskMetadata(retries=retries, timeout=timeout, cache=cache, cache_version=cache_version,
                                  cache_serialize=cache_serialize, cache_ignore_input_vars=cache_ignore_input_vars,
                                  interruptible=interruptible, pod_template_name=pod_template_name),
            task_type_version=self._TASK_TYPE_VERSION, docs=_documentation(docs),
            # flytekit's own flag: serialized as TaskMetadata.generates_deck (get_serializable
            # sets it when on; off, it stays a present false), which the binary's run obeys.
            enable_deck=self._ENABLE_DECK if enable_deck is None else bool(enable_deck),
        )
        # A fixed side carries the binary's own Flyte types (the Python types are for local
        # values), in the Python interface's order, by which flytekit pairs outputs.
        self._interface = _TypedInterface(
            inputs=_fixed_types(self._INPUT_TYPES, self._interface.inputs),
            outputs=_fixed_types(self._OUTPUT_TYPES, self._interface.outputs),
        )
        self._python_interface = _described(self._python_interface, _Descriptions.of(self._interface))
        self.pod_template = pod_template
        self.accelerator = accelerator
        self.shared_memory = shared_memory
        _check_in_binary(name, self.template_pb())

    def get_custom(self, settings: SerializationSettings) -> typing.Dict[str, typing.Any]:
        return self.task_config.to_custom()

    # A pod template as flytekit's own container tasks serialize one: the task's container
    # merged into the template's primary container, no container target.
    def get_container(self, settings: SerializationSettings):
        return None if self.pod_template is not None else super().get_container(settings)

    def get_k8s_pod(self, settings: SerializationSettings):
        if self.pod_template is None:
            return None
        return _task_models.K8sPod(
            pod_spec=_serialize_pod_spec(self.pod_template, super().get_container(settings), settings),
            metadata=_task_models.K8sObjectMetadata(labels=self.pod_template.labels,
                                                    annotations=self.pod_template.annotations),
        )

    def get_config(self, settings: SerializationSettings) -> typing.Dict[str, str]:
        if self.pod_template is None:
            return {}
        return {"primary_container_name": self.pod_template.primary_container_name}

    def get_extended_resources(self, settings: SerializationSettings):
        return construct_extended_resources(accelerator=self.accelerator, shared_memory=self.shared_memory)

    def get_command(self, settings: SerializationSettings) -> typing.List[str]:
        return list(self._ARGS)

    def template_pb(self, settings: typing.Optional[SerializationSettings] = None):
        """The TaskTemplate flytekit registers for this task (protobuf)."""
        spec = get_serializable(OrderedDict(), settings or _LOCAL_SETTINGS, self)
        return spec.template.to_flyte_idl()

    def dispatch_execute(self, ctx, input_literal_map):
        return _run_in_binary(self.name, self.template_pb(), input_literal_map)


class _TemplateMetadata(TaskMetadata):
    """A registered task's metadata: flytekit's view for local runs, the template's own bytes
    for registration."""

    def to_taskmetadata_model(self):
        return self._model


class RegisteredTask(_BinaryCommand, _LeftOutInputs, PythonCustomizedContainerTask):
    """A task instance registered in BINARY, as a ready-made task object: its template is the
    one BINARY writes (`BINARY template NAME`), byte for byte but for the id."""

    def __init__(self, name: str, template: str, inputs: typing.Dict[str, type],
                 outputs: typing.Dict[str, type], docs: typing.Optional[str] = None):
        pb = tasks_pb2.TaskTemplate()
        pb.ParseFromString(base64.b64decode(template))
        self._template = pb
        model = _task_models.TaskTemplate.from_flyte_idl(pb)
        md = model.metadata
        metadata = _TemplateMetadata(
            retries=md.retries.retries if md.retries else 0, timeout=md.timeout or None, cache=md.discoverable,
            cache_version=md.discovery_version, cache_serialize=md.cache_serializable,
            cache_ignore_input_vars=tuple(md.cache_ignore_input_vars), interruptible=md.interruptible)
        metadata._model = md
        super().__init__(
            name=name, task_config=None, container_image=pb.container.image, executor_type=_RustExecutor,
            task_type=model.type, interface=Interface(inputs=inputs, outputs=outputs), metadata=metadata,
            task_type_version=model.task_type_version, docs=_documentation(docs),
            # flytekit's view of the template's own flag (which the template's bytes carry).
            enable_deck=bool(md.generates_deck),
        )
        # The template's variables in the order of the Python interface: flytekit pairs a
        # node's outputs with their names by position (a protobuf map has no order of its own).
        self._interface = _TypedInterface(
            inputs={k: model.interface.inputs[k] for k in inputs},
            outputs={k: model.interface.outputs[k] for k in outputs},
        )
        self._python_interface = _described(self._python_interface, _Descriptions.of(self._interface))
        self._security_ctx = model.security_context
        self._model = model

    def get_custom(self, settings):
        return json_format.MessageToDict(self._template.custom) if self._template.HasField("custom") else None

    def get_container(self, settings):
        return self._model.container

    def get_command(self, settings):
        return list(self._template.container.args)

    def get_k8s_pod(self, settings):
        return self._model.k8s_pod

    def get_config(self, settings):
        return dict(self._model.config or {})

    def get_extended_resources(self, settings):
        return self._template.extended_resources if self._template.HasField("extended_resources") else None

    def dispatch_execute(self, ctx, input_literal_map):
        return _run_in_binary(self.name, self._template, input_literal_map)
