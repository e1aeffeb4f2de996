"""flytekit's side of the concurrency benchmark: N executions of fixture_tasks.py's AddTask in
one Python process, through pyflyte-execute's own function (`_execute_task`), one after
another: flytekit's execution context is process-wide, so it has no way to run them at once.

    py_in_process.py N TEMPLATE INPUTS OUT_DIR     (PYTHONPATH must reach fixture_tasks.py)

Prints JSON: executions and wall milliseconds; bench.py wraps the process in GNU time for its
peak RSS.
"""
import json
import sys
import time
from pathlib import Path

from flytekit.bin.entrypoint import _execute_task

RESOLVER = "flytekit.core.python_customized_container_task.default_task_template_resolver"


def main():
    n, template, inputs, out_dir = int(sys.argv[1]), sys.argv[2], sys.argv[3], Path(sys.argv[4])
    start = time.perf_counter()
    for i in range(n):
        _execute_task(inputs=inputs, output_prefix=str(out_dir / str(i)), test=False,
                      raw_output_data_prefix=str(out_dir / "raw"), resolver=RESOLVER,
                      resolver_args=[template, "fixture_tasks.AddExecutor"])
    wall = time.perf_counter() - start
    missing = [i for i in range(n) if not (out_dir / str(i) / "outputs.pb").is_file()]
    if missing:
        raise SystemExit(f"{len(missing)} of {n} executions wrote no outputs.pb (first: {missing[0]})")
    print(json.dumps({"executions": n, "wall_ms": wall * 1e3}))


if __name__ == "__main__":
    main()
