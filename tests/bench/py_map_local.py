"""flytekit's own in-process map, for the map benchmark: a workflow calling
`map_task(functools.partial(add, label="x"), concurrency=2)` over N pairs, run locally (flytekit
runs a map's elements one after another in the calling process).

    py_map_local.py N

Prints one JSON object: the wall and CPU seconds of the workflow call alone (imports and
start-up not counted) and the number of totals it returned (checked against N).
"""
import functools
import json
import sys
import time
import typing

from flytekit import map_task, workflow

from py_map_task import add


@workflow
def wf(a: typing.List[int], b: typing.List[int]) -> typing.List[int]:
    return map_task(functools.partial(add, label="x"), concurrency=2)(a=a, b=b)


def main():
    n = int(sys.argv[1])
    a, b = list(range(n)), [2 * i for i in range(n)]
    wall, cpu = time.perf_counter(), time.process_time()
    totals = wf(a=a, b=b)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if list(totals) != [3 * i for i in range(n)]:
        raise SystemExit("flytekit's map returned wrong totals")
    print(json.dumps({"n": n, "wall_s": wall, "cpu_s": cpu}))


if __name__ == "__main__":
    main()
