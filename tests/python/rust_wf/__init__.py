"""A Python workflow over Rust task types: tests/python_module.rs copies this package to a
scratch folder, writes `flyte_examples_tasks.py` into it with `flyte-examples python-module`,
then runs it with `pyflyte run` and packages it with `pyflyte package`."""
