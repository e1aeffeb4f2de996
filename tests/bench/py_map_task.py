"""The adder as a flytekit function task, for flytekit's map subtask entrypoint
(`pyflyte-map-execute`) in the map benchmark. flytekit maps function and instance tasks with
one output only (not the customized container task of fixture_tasks.py), so this twin
returns the total alone."""

from flytekit import task


@task
def add(a: int, b: int, label: str) -> int:
    return a + b
