"""What the macros cost at compile time: a crate of N task types written with
`#[container_task]`, `#[shim_executor]` and `#[derive(TaskIo)]`, next to the same crate with
the expansion written out by hand.

The hand-written expansion is generated here from the shape of the checked-in expansion
snapshots (`flyte-macros/tests/expand/*.expanded.rs`, which the macro crate's tests keep
equal to what the macros emit). Before measuring, `check_against_snapshots` renders the
adder with the same functions and compares it with those snapshots, token for token (all
whitespace removed), so a change to the macros' output fails this benchmark instead of
silently comparing against stale code.

Both crates live in a throwaway workspace that shares the repository's target directory,
so flyte-runtime and its dependencies are built once; each crate is then rebuilt after a
`touch` of its source, several times, and the median is reported.
"""
import re
import statistics
import subprocess
import time
from pathlib import Path

PRIVATE = "use ::flyte_runtime::__private as __flyte;"


def task_io(name, fields):
    """The `#[derive(TaskIo)]` expansion for `name` with `fields` [(field, rust type)]."""
    names = ", ".join(f'"{f}"' for f, _ in fields)
    variables = ", ".join(f'("{f}", <{t} as __flyte::FlyteType>::literal_type())' for f, t in fields)
    reads = "".join(f'{f}: __flyte::read_variable(map, "{f}")?,' for f, _ in fields)
    inserts = "".join(
        f'map.literals.insert("{f}".into(), __flyte::FlyteType::to_literal(&self.{f}));' for f, _ in fields)
    bounds = ", ".join(f"{t}: __flyte::FlyteType" for t in dict.fromkeys(t for _, t in fields))
    return f"""const _: () = {{
    {PRIVATE}
    #[automatically_derived]
    impl __flyte::TaskIo for {name} where {bounds}, {{
        const NAMES: &'static [&'static str] = &[{names}];
        fn variables() -> __flyte::std::option::Option<
            __flyte::std::vec::Vec<(&'static str, __flyte::LiteralType)>,
        > {{
            __flyte::std::option::Option::Some(__flyte::std::vec![{variables}],)
        }}
        fn from_literal_map(
            map: &__flyte::LiteralMap,
        ) -> __flyte::std::result::Result<Self, __flyte::TypeError> {{
            __flyte::std::result::Result::Ok(Self {{ {reads} }})
        }}
        fn to_literal_map(&self) -> __flyte::LiteralMap {{
            let mut map = __flyte::LiteralMap::default();
            {inserts}
            map
        }}
    }}
}};
"""


def config_schema(task, doc, fields):
    """The configuration's description in the expansion: `fields` [(field, rust type, doc)]."""
    described = ", ".join(
        f'__flyte::ConfigField {{ name: "{f}", key: "{f}", doc: "{d}", '
        f"ty: (&&__flyte::ConfigTypeProbe::<{t}>::new()).config_type(), "
        f"default: ::core::option::Option::None, skip_if_none: false, }}" for f, t, d in fields)
    return f"""fn __flyte_describe() -> __flyte::TaskTypeInfo {{
        use __flyte::{{Described as _, Undescribed as _}};
        __flyte::task_type_info::<{task},>(__flyte::ConfigSchema {{
            doc: "{doc}",
            fields: __flyte::std::vec![{described}],
            opaque: ::core::option::Option::None,
        }})
    }}"""


def container_task(task, task_type, image, executor, inputs, outputs, doc="", fields=(("offset", "i64", ""),)):
    """The `#[container_task(...)]` expansion (without the struct it is attached to)."""
    return f"""const _: () = {{
    {PRIVATE}
    #[automatically_derived]
    impl __flyte::ContainerTask for {task} {{
        const TASK_TYPE: &'static str = "{task_type}";
        const IMAGE: &'static str = "{image}";
        const VERSION: &'static str = ::core::env!("CARGO_PKG_VERSION");
        const ENTRYPOINT: &'static str = ::core::env!("CARGO_PKG_NAME");
        type Inputs = {inputs};
        type Outputs = {outputs};
        type Executor = {executor};
    }}
    const _: () = {{
        const OVERLAP: __flyte::ConstMessage = __flyte::overlap_message(
            "{task_type}",
            <{inputs} as __flyte::TaskIo>::NAMES,
            <{outputs} as __flyte::TaskIo>::NAMES,
        );
        if !OVERLAP.is_empty() {{
            ::core::panic!("{{}}", OVERLAP.as_str());
        }}
    }};
    {config_schema(task, doc, fields)}
    __flyte::inventory::submit! {{
        __flyte::TaskTypeEntry {{ task_type: "{task_type}", rust_type:
        ::core::concat!(::core::module_path!(), "::", ::core::stringify!({task})),
        config_type: ::core::any::TypeId::of::<{task}>, executor_path:
        __flyte::executor_path::<{task}>(), image: <{task} as
        __flyte::ContainerTask>::image, describe: __flyte_describe, }}
    }}
}};
"""


def shim_executor(executor, task, inputs, outputs, body, async_fn=True):
    """The `#[shim_executor]` expansion: the impl (its method made async) and the registration."""
    fn = "async fn" if async_fn else "fn"
    return f"""impl ShimTaskExecutor for {executor} {{
    type Task = {task};
    {fn} execute_from_model(
        &self,
        _ctx: &ExecutionContext,
        task: {task},
        inputs: {inputs},
    ) -> Result<{outputs}, TaskError> {{
        {body}
    }}
}}
const _: () = {{
    {PRIVATE}
    #[automatically_derived]
    impl __flyte::RegisteredExecutor for {executor} {{
        const PATH: &'static str = ::core::concat!(::core::module_path!(), "::", "{executor}");
    }}
    #[automatically_derived]
    impl __flyte::ExecutorOf<{task}> for {executor} {{}}
    __flyte::inventory::submit! {{
        __flyte::ExecutorEntry {{ path: <{executor} as __flyte::RegisteredExecutor>::PATH,
        task_type: <<{executor} as __flyte::ShimTaskExecutor>::Task as
        __flyte::ContainerTask>::TASK_TYPE, make: __flyte::make_executor::<{executor}>,
        file: ::core::file!(), line: ::core::line!(), }}
    }}
}};
"""


def squash(text):
    return re.sub(r"\s+", "", text)


def check_against_snapshots(repo):
    """Fails unless the functions above render the adder exactly as the snapshots hold."""
    expand = repo / "flyte-macros/tests/expand"
    cases = {
        "task_io": task_io("AddInputs", [("a", "i64"), ("b", "i64"), ("label", "String")]),
        "container_task": "/// The task type: adds a fixed offset (its configuration, in `custom`).\n"
        "#[derive(serde::Serialize, serde::Deserialize)]\npub struct AddTask { /// Added to every sum.\n pub offset: i64, }\n"
        + container_task("AddTask", "adder", "flyte-examples:{version}", "AddExecutor", "AddInputs", "AddOutputs",
                         doc="The task type: adds a fixed offset (its configuration, in `custom`).",
                         fields=[("offset", "i64", "Added to every sum.")]),
        "shim_executor": shim_executor("AddExecutor", "AddTask", "AddInputs", "AddOutputs", "todo!()"),
    }
    for name, ours in cases.items():
        snapshot = (expand / f"{name}.expanded.rs").read_text()
        if squash(ours) != squash(snapshot):
            raise SystemExit(f"macro_cost.py renders `{name}` differently from {expand}/{name}.expanded.rs; "
                             "update macro_cost.py to the macros' new output")


BODY = """let total = inputs.a.checked_add(inputs.b).and_then(|s| s.checked_add(task.offset))
            .ok_or_else(|| TaskError::new("overflow"))?;
        Ok({outputs} { total, message: format!("{}={total}", inputs.label) })"""


def crate_source(n, by_hand):
    parts = ["//! Generated by tests/bench/macro_cost.py.\nuse flyte_runtime::prelude::*;\n"]
    for i in range(n):
        task, ex, inp, out = f"Task{i}", f"Executor{i}", f"Inputs{i}", f"Outputs{i}"
        body = BODY.replace("{outputs}", out)
        io_derive = "" if by_hand else "TaskIo, "
        parts.append(f"#[derive({io_derive}Debug, Clone, PartialEq)]\npub struct {inp} {{ pub a: i64, pub b: i64, pub label: String }}\n")
        parts.append(f"#[derive({io_derive}Debug, Clone, PartialEq)]\npub struct {out} {{ pub total: i64, pub message: String }}\n")
        parts.append("#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]\n")
        if by_hand:
            parts.append(f"pub struct {task} {{ pub offset: i64 }}\n")
            parts.append(task_io(inp, [("a", "i64"), ("b", "i64"), ("label", "String")]))
            parts.append(task_io(out, [("total", "i64"), ("message", "String")]))
            parts.append(container_task(task, f"bench-{i}", "bench:{version}", ex, inp, out))
            parts.append(f"#[derive(Default)]\npub struct {ex};\n")
            parts.append(shim_executor(ex, task, inp, out, body))
        else:
            parts.append(f'#[container_task(task_type = "bench-{i}", image = "bench:{{version}}", executor = {ex}, '
                         f"inputs = {inp}, outputs = {out})]\npub struct {task} {{ pub offset: i64 }}\n")
            parts.append(f"#[derive(Default)]\npub struct {ex};\n#[shim_executor]\n")
            parts.append(shim_executor(ex, task, inp, out, body, async_fn=False).split("const _: () =")[0])
    return "\n".join(parts)


def write_workspace(repo, root, n):
    root.mkdir(parents=True, exist_ok=True)
    (root / "Cargo.toml").write_text('[workspace]\nresolver = "2"\nmembers = ["with_macros", "by_hand"]\n')
    (root / "Cargo.lock").write_bytes((repo / "Cargo.lock").read_bytes())
    for name, by_hand in (("with_macros", False), ("by_hand", True)):
        crate = root / name
        (crate / "src").mkdir(parents=True, exist_ok=True)
        (crate / "Cargo.toml").write_text(f"""[package]
name = "{name}"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
flyte-runtime = {{ path = "{repo / 'flyte-runtime'}" }}
serde = {{ version = "1", features = ["derive"] }}
""")
        (crate / "src/lib.rs").write_text(crate_source(n, by_hand))


def measure(repo, work, n=200, repeats=5):
    """Median seconds to rebuild (debug) each crate after touching its source."""
    repo = Path(repo).resolve()
    check_against_snapshots(repo)
    root = work / "macro-cost"
    write_workspace(repo, root, n)
    env_target = ["--target-dir", str(repo / "target")]
    results = {}
    for name in ("with_macros", "by_hand"):
        # The first build compiles (or reuses) the dependencies and proves the crate builds.
        subprocess.run(["cargo", "build", "-q", "-p", name, *env_target], cwd=root, check=True)
        times = []
        for _ in range(repeats):
            (root / name / "src/lib.rs").touch()
            start = time.perf_counter()
            subprocess.run(["cargo", "build", "-q", "-p", name, *env_target], cwd=root, check=True)
            times.append(time.perf_counter() - start)
        results[name] = (statistics.median(times), min(times), max(times))
    lines = sum(1 for _ in (root / "by_hand/src/lib.rs").open())
    return {"types": n, "with_macros_s": results["with_macros"], "by_hand_s": results["by_hand"],
            "by_hand_lines": lines, "with_macros_lines": sum(1 for _ in (root / "with_macros/src/lib.rs").open())}


if __name__ == "__main__":
    import sys
    import tempfile
    with tempfile.TemporaryDirectory() as w:
        print(measure(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("."), Path(w),
                      n=int(sys.argv[2]) if len(sys.argv) > 2 else 200))
