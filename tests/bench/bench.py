"""flyte-rs against flytekit 1.16.31, on this machine, in one run; prints a markdown table.

    bench.py --examples BIN --bench BIN --floor BIN --fixtures DIR [--runs N] [--py-runs N] [--scale F]

Run by tests/bench/run.sh, which builds the binaries (static release, as in the image) and
sets up the flytekit venv this interpreter belongs to. Measures:

1. cold start of one task run, each a whole process, after a warm-up: `flyte-examples
   execute` of the adder, `pyflyte-execute` of fixture_tasks.py's AddTask (same inputs file,
   local output prefix), and the floor (`flyte-floor`: read template and inputs, write an
   empty outputs.pb); beside them the adder in the lean binary (`--lean`: the examples built
   without their `sqlite` feature) and `flyte-examples --version` (loading the binary alone). Wall time (perf_counter around the process alone) and peak RSS (GNU
   time's %M, from a second run of each).
2. literal conversion of a LiteralMap of 1,000,000 ints, 100,000 strings and 10,000 msgpack
   dataclasses: flytekit's TypeEngine each way vs ours (flyte-bench literals) vs bare prost.
3. a registration package of 1,000 adder tasks: `pyflyte package` vs `flyte-bench package`.
4. concurrency: N executions of the adder in one process (N = 1, 10, 100, 1,000), ours all at
   once on one tokio runtime (`flyte-bench concurrent`), flytekit's one after another through
   pyflyte-execute's own function (`py_in_process.py`); wall time in the process (start-up and
   imports not counted) and the process's peak RSS per N.
5. macro cost: debug rebuild of a crate of 200 task types written with the macros vs the
   same crate with their expansion written out (`macro_cost.py`).
6. a map of the adder, each element its own process, two at a time: `run --map` over 1,000
   elements against flytekit's `pyflyte-map-execute` over 100 of the same (`py_map_task.py`);
   and a map of 100,000 elements in one process: `run --map --in-process` (each element the
   supervised run a pod's `execute` does) against flytekit's local run of a workflow calling
   `map_task` (`py_map_local.py`; flytekit runs the elements one after another in the
   calling process); `--only-map` runs these alone.

7. transfers through one S3 server (s3s-fs on loopback): a file of `--transfer-mib` MiB up and
   down, a folder of `--transfer-files` small files up and down, and a table of about
   `--table-mib` MiB of parquet out and in, flyte-rs against flytekit's FlyteFile,
   FlyteDirectory and StructuredDataset, beside the server's own limit measured by a plain
   parallel client (`transfers.py`); `--only-transfers` runs these alone.

`--only-cold` runs the cold start (1.) alone.
"""
import argparse
import concurrent.futures
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import typing
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import macro_cost  # noqa: E402
import transfers  # noqa: E402


GNU_TIME = shutil.which("time", path="/usr/bin:/bin")


def run_ok(cmd, env=None, cwd=None, stdout=None, stderr=None):
    p = subprocess.run(cmd, env=env, cwd=cwd, stdout=stdout, stderr=stderr)
    return p.returncode


def reported(cmd, env=None):
    """Runs cmd, which prints one JSON object; returns it and the peak RSS in MiB."""
    with tempfile.TemporaryFile() as out:
        _, peak = measured(cmd, env=env, stdout=out)
        out.seek(0)
        return json.loads(out.read().decode().strip().splitlines()[-1]), peak


def measured(cmd, env=None, cwd=None, rss=True, stdout=None):
    """Runs cmd to completion; returns (wall seconds, peak RSS in MiB or nan).

    The wall time is of the command alone. Peak RSS comes from a second run under GNU time
    (`%M`): the rusage of a child forked from this Python process would count the parent's
    pages it starts with, and timing the run under GNU time would add its own start-up
    (about 1 ms) to every measurement, which would flatter the slower side.
    """
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        code = run_ok(cmd, env=env, cwd=cwd, stdout=stdout or err, stderr=err)
        wall = time.perf_counter() - start
        if code != 0:
            err.seek(0)
            raise SystemExit(f"{cmd[0]} failed ({code}):\n{err.read().decode(errors='replace')[-3000:]}")
    if not (rss and GNU_TIME):
        return wall, float("nan")
    with tempfile.NamedTemporaryFile("r") as out:
        code = run_ok([GNU_TIME, "-f", "%M", "-o", out.name, *cmd], env=env, cwd=cwd,
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if code != 0:
            raise SystemExit(f"{cmd[0]} failed under GNU time ({code})")
        peak = float(out.read().strip().splitlines()[-1]) / 1024
    return wall, peak


def summary(samples):
    return statistics.median(samples), min(samples), max(samples)


def cold_start(a, work):
    """Each command a whole process, 2 warm-ups each; the Rust ones (and the floor)
    interleaved run by run, so that a change in the machine's load falls on all of them."""
    inputs = a.fixtures / "runs/add_ok/inputs.pb"
    ours_template = work / "add.pb"
    subprocess.run([a.examples, "template", "examples.add", "--output", ours_template], check=True)
    # The same template with its deck turned off (TaskMetadata.generates_deck false), for the
    # deck's cost on a cold start.
    from flyteidl.core import tasks_pb2
    no_deck = tasks_pb2.TaskTemplate.FromString(ours_template.read_bytes())
    no_deck.metadata.generates_deck.value = False
    no_deck_template = work / "add-no-deck.pb"
    no_deck_template.write_bytes(no_deck.SerializeToString())
    py_env = dict(os.environ, PYTHONPATH=str(a.fixtures))
    venv_bin = Path(sys.executable).parent

    def execute(binary, template=ours_template, tag=""):
        def make(i):
            out = work / f"{binary.name}{tag}/{i}"
            return [binary, "execute", "--inputs", inputs, "--output-prefix", out,
                    "--raw-output-data-prefix", work / "raw", "--resolver", "flyte_rs.task_template_resolver",
                    "--", template, "flyte_examples::adder::AddExecutor"], None, out / "outputs.pb"
        return make

    def loaded(i):
        return [a.examples, "--version"], None, None

    def pyflyte(i):
        out = work / f"py/{i}"
        return [venv_bin / "pyflyte-execute", "--inputs", inputs, "--output-prefix", out,
                "--raw-output-data-prefix", work / "raw", "--resolver",
                "flytekit.core.python_customized_container_task.default_task_template_resolver",
                "--", a.fixtures / "templates/add_task.pb", "fixture_tasks.AddExecutor"], py_env, out / "outputs.pb"

    def floor(i):
        out = work / f"floor/{i}"
        return [a.floor, ours_template, inputs, out], None, out / "outputs.pb"

    rust = [("flyte-rs", execute(a.examples)),
            ("nodeck", execute(a.examples, no_deck_template, "-no-deck"))]
    if a.lean:
        rust.append(("lean", execute(a.lean)))
    rust += [("loaded", loaded), ("floor", floor)]
    samples = {name: ([], []) for name, _ in rust + [("pyflyte", pyflyte)]}

    def one(name, make, i):
        cmd, env, out = make(i)
        w, r = measured(cmd, env=env, stdout=subprocess.DEVNULL)
        if out is not None and not out.exists():
            raise SystemExit(f"{name}: no outputs.pb at {out}")
        samples[name][0].append(w * 1e3)
        samples[name][1].append(r)

    for name, make in rust + [("pyflyte", pyflyte)]:
        for i in range(2):  # warm-up: page cache, Python's bytecode cache
            measured(*make(f"warm{i}")[:2], stdout=subprocess.DEVNULL)
    for i in range(a.runs):
        for name, make in rust:
            one(name, make, i)
    for i in range(a.py_runs):
        one("pyflyte", pyflyte, i)
    return {name: {"wall_ms": summary(w), "rss_mib": summary(r), "runs": len(w)}
            for name, (w, r) in samples.items()}


@dataclass
class Point:
    x: int
    y: float
    label: str


def literals(a, work):
    from flyteidl.core import literals_pb2
    from flytekit.core.context_manager import FlyteContextManager
    from flytekit.core.type_engine import TypeEngine
    from flytekit.models.literals import LiteralMap

    n_int, n_str, n_pt = int(1_000_000 * a.scale), int(100_000 * a.scale), int(10_000 * a.scale)
    ctx = FlyteContextManager.current_context()
    values = {
        "ints": (list(range(n_int)), typing.List[int]),
        "strs": ([f"string number {i}" for i in range(n_str)], typing.List[str]),
        "points": ([Point(x=i, y=i / 2, label=f"p{i}") for i in range(n_pt)], typing.List[Point]),
    }
    times = {}
    lits = {}
    for name, (v, t) in values.items():
        lt = TypeEngine.to_literal_type(t)
        start = time.perf_counter()
        lits[name] = TypeEngine.to_literal(ctx, v, t, lt)
        times[f"{name}_to_literal_s"] = time.perf_counter() - start
    data = LiteralMap(literals=lits).to_flyte_idl().SerializeToString()
    path = work / "literals.pb"
    path.write_bytes(data)

    start = time.perf_counter()
    parsed = literals_pb2.LiteralMap.FromString(data)
    pb_decode = time.perf_counter() - start
    lm = LiteralMap.from_flyte_idl(parsed)
    for name, (_, t) in values.items():
        start = time.perf_counter()
        TypeEngine.to_python_value(ctx, lm.literals[name], t)
        times[f"{name}_to_python_s"] = time.perf_counter() - start
    to_py = sum(v for k, v in times.items() if k.endswith("_to_python_s"))
    to_lit = sum(v for k, v in times.items() if k.endswith("_to_literal_s"))

    out = subprocess.run([a.bench, "literals", path, "5"], check=True, capture_output=True, text=True)
    ours = json.loads(out.stdout)
    return {"bytes": len(data), "counts": (n_int, n_str, n_pt), "flytekit_to_python_s": to_py,
            "flytekit_to_literal_s": to_lit, "python_protobuf_decode_s": pb_decode, "detail": times, "ours": ours}


def package(a, work):
    n = a.tasks
    mod = work / "benchmod.py"
    mod.write_text("from fixture_tasks import AddTask\n" + "".join(
        f"t{i} = AddTask(name='bench.add_{i}', offset={i})\n" for i in range(n)))
    env = dict(os.environ, PYTHONPATH=f"{a.fixtures}{os.pathsep}{work}")
    pyflyte = Path(sys.executable).parent / "pyflyte"
    # --env works around flytekit 1.16.31's crash on customized container tasks (CONTRACT §6).
    py_wall, py_rss = measured([pyflyte, "--pkgs", "benchmod", "package", "--image", "ghcr.io/example/bench:1",
                                "--env", "A=B", "--output", work / "py.tgz", "--force"], env=env, cwd=work)
    ours_wall, ours_rss = measured([a.bench, "package", str(n), work / "ours.tgz"])
    out = subprocess.run([a.bench, "package", str(n), work / "ours2.tgz"], check=True, capture_output=True, text=True)
    return {"tasks": n, "pyflyte_s": py_wall, "pyflyte_rss_mib": py_rss, "ours_s": ours_wall,
            "ours_rss_mib": ours_rss, "ours_in_process_ms": json.loads(out.stdout)["in_process_ms"]}


def concurrency(a, work):
    template = work / "add-concurrent.pb"
    subprocess.run([a.examples, "template", "examples.add", "--output", template], check=True)
    inputs = a.fixtures / "runs/add_ok/inputs.pb"
    py_env = dict(os.environ, PYTHONPATH=str(a.fixtures))
    here = Path(__file__).parent
    rows = {"flyte-rs": {}, "flytekit": {}}
    for n in a.concurrency:
        out = work / f"conc-ours-{n}"
        report, rss = reported([a.bench, "concurrent", str(n), template, inputs, out])
        rows["flyte-rs"][n] = (report["wall_ms"], rss)
        shutil.rmtree(out, ignore_errors=True)
    for n in a.concurrency:
        if n not in (1, max(a.concurrency)) and n != 100:
            continue
        out = work / f"conc-py-{n}"
        report, rss = reported([sys.executable, here / "py_in_process.py", str(n), a.fixtures / "templates/add_task.pb",
                                inputs, out], env=py_env)
        rows["flytekit"][n] = (report["wall_ms"], rss)
        shutil.rmtree(out, ignore_errors=True)
    return rows


def map_fanout(a, work):
    """A map of the adder over `a.map_elements` pairs, each element its own process (a cold
    start, as a pod is), two at a time: `run --map` against flytekit's map subtask
    entrypoint (`pyflyte-map-execute`) over the first `a.py_map_elements` elements of the
    same inputs file, two at a time from a thread pool. Wall and CPU (the children's user +
    system) per element; peak RSS of one element under GNU time."""
    n, n_py = a.map_elements, a.py_map_elements
    pairs = [f"a=[{','.join(str(i) for i in range(n))}]", f"b=[{','.join(str(2 * i) for i in range(n))}]"]
    ours_dir = work / "map-ours"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, _ = measured([a.examples, "run", "examples.add", "--map", "--bound", "label", "--concurrency", "2",
                        "-i", pairs[0], "-i", pairs[1], "-i", "label=x", "--dir", ours_dir],
                       rss=False, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    ours_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # One element alone, for its peak RSS: element 0 of the same node, as its pod runs it.
    template = ours_dir / "template.pb"
    env = dict(os.environ, BATCH_JOB_ARRAY_INDEX_VAR_NAME="FLYTE_K8S_ARRAY_INDEX", FLYTE_K8S_ARRAY_INDEX="0")
    _, ours_rss = measured([a.examples, "execute", "--inputs", ours_dir / "inputs.pb", "--output-prefix",
                            work / "map-ours-one", "--raw-output-data-prefix", work / "raw", "--resolver",
                            "flyte_rs.map_task_resolver", "--", "vars", "label", "resolver",
                            "flyte_rs.task_template_resolver", template, "flyte_examples::adder::AddExecutor"],
                           env=env)

    venv_bin = Path(sys.executable).parent
    py_env = dict(os.environ, PYTHONPATH=str(Path(__file__).parent))

    def element(i):
        cmd = [venv_bin / "pyflyte-map-execute", "--inputs", ours_dir / "inputs.pb", "--output-prefix",
               work / f"map-py/{i}/0", "--raw-output-data-prefix", work / f"map-py-raw/{i}", "--resolver",
               "flytekit.core.array_node_map_task.ArrayNodeMapTaskResolver", "--", "vars", "label", "resolver",
               "flytekit.core.python_auto_container.default_task_resolver", "task-module", "py_map_task",
               "task-name", "add"]
        return cmd, dict(py_env, BATCH_JOB_ARRAY_INDEX_VAR_NAME="FLYTE_K8S_ARRAY_INDEX", FLYTE_K8S_ARRAY_INDEX=str(i))

    measured(*element(0), rss=False)  # warm-up: bytecode cache
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        codes = list(pool.map(lambda i: run_ok(element(i)[0], env=element(i)[1], stdout=subprocess.DEVNULL,
                                               stderr=subprocess.DEVNULL), range(n_py)))
    py_wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if any(codes) or not (work / f"map-py/{n_py - 1}/0/outputs.pb").exists():
        raise SystemExit(f"pyflyte-map-execute failed: exit codes {sorted(set(codes))}")
    py_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    _, py_rss = measured(*element(0))
    return {"n": n, "n_py": n_py, "ours_s": wall, "ours_cpu_s": ours_cpu, "ours_rss_mib": ours_rss,
            "py_s": py_wall, "py_cpu_s": py_cpu, "py_rss_mib": py_rss}


def map_in_process(a, work):
    """A map of the adder over `a.map_local_elements` pairs in one process, two at a time:
    `run --map --in-process` (inputs from a JSON file) against flytekit's local workflow run
    of `map_task` over the same pairs (`py_map_local.py`, wall and CPU of the call alone).
    Ours: wall and CPU (user + system) of the whole process; peak RSS of each under GNU time."""
    n = a.map_local_elements
    inputs = work / "map-local.json"
    inputs.write_text(json.dumps({"a": list(range(n)), "b": [2 * i for i in range(n)], "label": "x"}))
    cmd = [a.examples, "run", "examples.add", "--map", "--bound", "label", "--concurrency", "2", "--in-process",
           "--inputs-json", f"@{inputs}", "--dir", work / "map-local-ours"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, _ = measured(cmd, rss=False, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    _, rss = measured(cmd, stdout=subprocess.DEVNULL)  # a second run, under GNU time
    py_env = dict(os.environ, PYTHONPATH=str(Path(__file__).parent))
    report, py_rss = reported([sys.executable, Path(__file__).parent / "py_map_local.py", str(n)], env=py_env)
    return {"n": n, "ours_s": wall, "ours_cpu_s": cpu, "ours_rss_mib": rss,
            "py_s": report["wall_s"], "py_cpu_s": report["cpu_s"], "py_rss_mib": py_rss}


def print_map_local(m):
    per = lambda s: f"{s * 1e6 / m['n']:.0f} µs"
    print(f"\na map of the adder over {m['n']:,} elements in one process, 2 at a time:")
    print("| measure | flytekit 1.16.31 (local workflow run of map_task) | flyte-rs (run --map --in-process) | ratio |")
    print("|---|---|---|---|")
    print(f"| wall | {m['py_s']:.2f} s (the call alone) | {m['ours_s']:.2f} s (the whole process) | "
          f"{m['py_s'] / m['ours_s']:.1f}× |")
    print(f"| per element | {per(m['py_s'])} | {per(m['ours_s'])} | |")
    print(f"| CPU (user + system) | {m['py_cpu_s']:.2f} s | {m['ours_cpu_s']:.2f} s | {m['py_cpu_s'] / m['ours_cpu_s']:.1f}× |")
    print(f"| peak RSS of the process | {m['py_rss_mib']:.0f} MiB | {m['ours_rss_mib']:.0f} MiB | "
          f"{m['py_rss_mib'] / m['ours_rss_mib']:.1f}× |")


def main():
    p = argparse.ArgumentParser()
    for flag in ("--examples", "--bench", "--floor", "--fixtures"):
        p.add_argument(flag, type=Path, required=True)
    p.add_argument("--lean", type=Path, help="the examples built without their sqlite feature")
    p.add_argument("--runs", type=int, default=30)
    p.add_argument("--py-runs", type=int, default=10)
    p.add_argument("--tasks", type=int, default=1000)
    p.add_argument("--scale", type=float, default=1.0, help="fraction of the literal sizes (quick check)")
    p.add_argument("--concurrency", type=int, nargs="+", default=[1, 10, 100, 1000])
    p.add_argument("--macro-types", type=int, default=200)
    p.add_argument("--map-elements", type=int, default=1000)
    p.add_argument("--py-map-elements", type=int, default=100)
    p.add_argument("--map-local-elements", type=int, default=100000)
    p.add_argument("--only-map", action="store_true", help="run the map benchmark alone")
    p.add_argument("--only-cold", action="store_true", help="run the cold-start benchmark alone")
    p.add_argument("--s3s-fs", type=Path, help="the s3s-fs binary (tests/setup_s3.sh installs it)")
    p.add_argument("--transfer-mib", type=int, default=1024, help="the file moved up and down, in MiB")
    p.add_argument("--transfer-files", type=int, default=10000, help="the small files of the folder moved")
    p.add_argument("--transfer-file-bytes", type=int, default=4096, help="the size of each small file")
    p.add_argument("--table-mib", type=float, default=1024, help="the table's size as parquet, in MiB")
    p.add_argument("--only-transfers", action="store_true", help="run the transfer benchmark alone")
    p.add_argument("--repo", type=Path, default=Path(__file__).resolve().parents[2])
    a = p.parse_args()
    for name in ("examples", "bench", "floor", "fixtures", "lean", "s3s_fs"):
        if getattr(a, name) is not None:
            setattr(a, name, getattr(a, name).resolve())
    # Work files on tmpfs where there is one: both sides write many small files, and the
    # disk's writeback of earlier steps would blur what is measured (Flyte's pods write to
    # object storage, not to a local journal).
    shm = Path("/dev/shm")
    work = Path(tempfile.mkdtemp(prefix="flyte-rs-bench-", dir=shm if shm.is_dir() else None))
    try:
        if a.only_map:
            print_map(map_fanout(a, work))
            print_map_local(map_in_process(a, work))
            return
        if a.only_cold:
            print_cold(cold_start(a, work))
            return
        if a.only_transfers:
            transfers.report(transfers.measure(a, work))
            return
        cs = cold_start(a, work)
        lit = literals(a, work)
        pkg = package(a, work)
        conc = concurrency(a, work)
        macros = macro_cost.measure(a.repo, work, n=a.macro_types)
        fanout = map_fanout(a, work)
        local_map = map_in_process(a, work)
        moved = transfers.measure(a, work) if a.s3s_fs else None
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def fmt(t, unit):
        return f"{t[0]:.1f} {unit} ({t[1]:.1f}–{t[2]:.1f})"

    ours, py, floor = cs["flyte-rs"], cs["pyflyte"], cs["floor"]
    o = lit["ours"]
    ours_round = (o["to_rust_ms"] + o["to_literals_ms"]) / 1e3
    py_round = lit["flytekit_to_python_s"] + lit["flytekit_to_literal_s"]
    floor_round = (o["prost_decode_ms"] + o["prost_encode_ms"]) / 1e3
    rows = [
        ("cold start, wall (median, min–max)", fmt(py["wall_ms"], "ms"), fmt(ours["wall_ms"], "ms"),
         fmt(floor["wall_ms"], "ms"),
         f"pyflyte/ours {py['wall_ms'][0] / ours['wall_ms'][0]:.0f}×; ours/floor {ours['wall_ms'][0] / floor['wall_ms'][0]:.1f}×",
         "≥ 200× and ≤ 2× floor"),
        *[(label, "", fmt(cs[k]["wall_ms"], "ms"), fmt(floor["wall_ms"], "ms"),
           f"{k}/floor {cs[k]['wall_ms'][0] / floor['wall_ms'][0]:.1f}×", "") for k, label in COLD_EXTRA if k in cs],
        ("cold start, peak RSS", fmt(py["rss_mib"], "MiB"), fmt(ours["rss_mib"], "MiB"), fmt(floor["rss_mib"], "MiB"),
         f"ours/pyflyte {ours['rss_mib'][0] / py['rss_mib'][0]:.3f}", "≤ 1/10"),
        (f"literals {lit['counts'][0]:,} ints + {lit['counts'][1]:,} strs + {lit['counts'][2]:,} structs ({lit['bytes'] / 1e6:.1f} MB), to values",
         f"{lit['flytekit_to_python_s']:.2f} s", f"{o['to_rust_ms']:.0f} ms", f"{o['prost_decode_ms']:.0f} ms (prost decode)",
         f"flytekit/ours {lit['flytekit_to_python_s'] / (o['to_rust_ms'] / 1e3):.0f}×", "≥ 100×"),
        ("  … values back to literals, encoded", f"{lit['flytekit_to_literal_s']:.2f} s", f"{o['to_literals_ms']:.0f} ms",
         f"{o['prost_encode_ms']:.0f} ms (prost encode)",
         f"flytekit/ours {lit['flytekit_to_literal_s'] / (o['to_literals_ms'] / 1e3):.0f}×", ""),
        ("  … round trip", f"{py_round:.2f} s", f"{ours_round * 1e3:.0f} ms", f"{floor_round * 1e3:.0f} ms",
         f"flytekit/ours {py_round / ours_round:.0f}×; ours/floor {ours_round / floor_round:.1f}×", "≥ 100× and ≤ 2× floor"),
        (f"package of {pkg['tasks']:,} tasks (whole process)", f"{pkg['pyflyte_s']:.2f} s, {pkg['pyflyte_rss_mib']:.0f} MiB",
         f"{pkg['ours_s'] * 1e3:.0f} ms, {pkg['ours_rss_mib']:.0f} MiB ({pkg['ours_in_process_ms']:.0f} ms in process)", "",
         f"pyflyte/ours {pkg['pyflyte_s'] / pkg['ours_s']:.0f}×", "≥ 50×"),
    ]
    big = max(a.concurrency)
    o_w, o_r = conc["flyte-rs"][big]
    p_w, p_r = conc["flytekit"][big]
    rows.append((f"{big:,} executions of the adder in one process (wall, peak RSS)",
                 f"{p_w / 1e3:.2f} s, {p_r:.0f} MiB (one after another)",
                 f"{o_w:.0f} ms, {o_r:.1f} MiB (all at once)", "",
                 f"flytekit/ours {p_w / o_w:.0f}× time, {p_r / o_r:.0f}× memory", "cost grows linearly"))
    w, h = macros["with_macros_s"], macros["by_hand_s"]
    rows.append((f"debug rebuild of a crate of {macros['types']} task types (median, min–max)", "",
                 f"macros {w[0]:.1f} s ({w[1]:.1f}–{w[2]:.1f})", f"expansion by hand {h[0]:.1f} s ({h[1]:.1f}–{h[2]:.1f})",
                 f"macros/hand {w[0] / h[0]:.2f}×", "macros add little"))
    print(f"| measure | flytekit 1.16.31 | flyte-rs | floor | ratio | target |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print("\nexecutions in one process, by count (wall in the process; peak RSS of the process; RSS growth per execution over N=1):")
    print("| N | flyte-rs wall | per execution | peak RSS | RSS per execution | flytekit wall | flytekit peak RSS |")
    print("|---|---|---|---|---|---|---|")
    base = conc["flyte-rs"][min(a.concurrency)][1]
    for n in a.concurrency:
        ow, orss = conc["flyte-rs"][n]
        growth = f"{(orss - base) * 1024 / (n - min(a.concurrency)):.1f} KiB" if n > min(a.concurrency) else "—"
        theirs = conc["flytekit"].get(n)
        print(f"| {n:,} | {ow:.1f} ms | {ow * 1e3 / n:.0f} µs | {orss:.1f} MiB | {growth} | "
              + (f"{theirs[0]:.0f} ms | {theirs[1]:.0f} MiB |" if theirs else "— | — |"))
    print(f"\nmacro crate: {macros['with_macros_lines']:,} lines with the macros, {macros['by_hand_lines']:,} by hand")
    print()
    print_map(fanout)
    print_map_local(local_map)
    if moved:
        print(f"\nfiles, folders and tables through one S3 server:")
        transfers.report(moved)
    print(f"\ncold start runs: {ours['runs']} each (ours, without the deck, lean, --version and the floor interleaved), "
          f"{py['runs']} (pyflyte), after 2 warm-ups each")
    print("flytekit per value kind (s): " + ", ".join(f"{k} {v:.2f}" for k, v in lit["detail"].items()))


# Cold-start measures beside the adder in flyte-examples: (key in cold_start's result, row label).
COLD_EXTRA = [
    ("nodeck", "  … the adder without its deck (the template's `generates_deck` false)"),
    ("lean", "  … the adder in the lean binary (the examples without `sqlite`: no SQLite, arrow, parquet)"),
    ("loaded", "  … `flyte-examples --version` (the binary loaded, its arguments parsed, nothing run)"),
]


def print_cold(cs):
    ours, py, floor = cs["flyte-rs"], cs["pyflyte"], cs["floor"]
    print("| measure | flytekit 1.16.31 | flyte-rs | floor | ratio |")
    print("|---|---|---|---|---|")
    w = lambda t: f"{t[0]:.2f} ms ({t[1]:.2f}–{t[2]:.2f})"
    print(f"| cold start, wall (median, min–max) | {w(py['wall_ms'])} | {w(ours['wall_ms'])} | {w(floor['wall_ms'])} | "
          f"pyflyte/ours {py['wall_ms'][0] / ours['wall_ms'][0]:.0f}×; ours/floor {ours['wall_ms'][0] / floor['wall_ms'][0]:.2f}× |")
    for k, label in COLD_EXTRA:
        if k in cs:
            print(f"| {label} | | {w(cs[k]['wall_ms'])} | {w(floor['wall_ms'])} | "
                  f"{k}/floor {cs[k]['wall_ms'][0] / floor['wall_ms'][0]:.2f}× |")
    r = lambda t: f"{t[0]:.1f} MiB"
    print(f"| cold start, peak RSS | {r(py['rss_mib'])} | {r(ours['rss_mib'])} | {r(floor['rss_mib'])} | "
          f"ours/pyflyte {ours['rss_mib'][0] / py['rss_mib'][0]:.3f} |")
    print(f"\ncold start runs: {ours['runs']} each (ours, without the deck, lean, --version and the floor interleaved), "
          f"{py['runs']} (pyflyte), after 2 warm-ups each")


def print_map(m):
    per = lambda s, n: f"{s * 1e3 / n:.1f} ms"
    print(f"map of the adder, each element a process, 2 at a time ({m['n']:,} elements ours, "
          f"{m['n_py']:,} flytekit):")
    print("| measure | flytekit 1.16.31 (pyflyte-map-execute) | flyte-rs (run --map) | ratio |")
    print("|---|---|---|---|")
    print(f"| wall per element | {per(m['py_s'], m['n_py'])} | {per(m['ours_s'], m['n'])} | "
          f"{(m['py_s'] / m['n_py']) / (m['ours_s'] / m['n']):.0f}× |")
    print(f"| CPU per element (user + system) | {per(m['py_cpu_s'], m['n_py'])} | {per(m['ours_cpu_s'], m['n'])} | "
          f"{(m['py_cpu_s'] / m['n_py']) / (m['ours_cpu_s'] / m['n']):.0f}× |")
    print(f"| whole map | {m['py_s']:.2f} s for {m['n_py']:,} | {m['ours_s']:.2f} s for {m['n']:,} | |")
    print(f"| peak RSS of one element | {m['py_rss_mib']:.0f} MiB | {m['ours_rss_mib']:.1f} MiB | "
          f"{m['py_rss_mib'] / m['ours_rss_mib']:.0f}× |")


if __name__ == "__main__":
    main()
