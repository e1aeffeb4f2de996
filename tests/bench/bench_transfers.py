"""flytekit 1.16.31's side of the transfer benchmark (bench.py runs it, one process per kind,
so that each has its own peak RSS): FlyteFile, FlyteDirectory and a pandas StructuredDataset
through flytekit's own storage layer (fsspec and s3fs) against the S3 server that the
FLYTE_AWS_* variables name, as a task's outputs are uploaded and its inputs downloaded.

    bench_transfers.py file PREFIX SRC      # TypeEngine.to_literal (upload), to_python_value + download()
    bench_transfers.py dir PREFIX SRC       # the same for a FlyteDirectory
    bench_transfers.py table PREFIX ROWS    # a DataFrame out as parquet (to_literal) and back in

Prints one JSON object, the times of the calls alone (imports and making the table not
counted).
"""
import filecmp
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from flytekit.configuration import DataConfig
from flytekit.core.context_manager import FlyteContextManager
from flytekit.core.data_persistence import FileAccessProvider
from flytekit.core.type_engine import TypeEngine
from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile


def context(prefix, near):
    sandbox = Path(tempfile.mkdtemp(prefix="flytekit-bench-", dir=Path(near).parent))
    access = FileAccessProvider(local_sandbox_dir=str(sandbox), raw_output_prefix=prefix,
                                data_config=DataConfig.auto())
    ctx = FlyteContextManager.current_context().with_file_access(access).build()
    return ctx


def file(prefix, src):
    ctx = context(prefix, src)
    with FlyteContextManager.with_context(ctx.new_builder()) as ctx:
        lt = TypeEngine.to_literal_type(FlyteFile)
        start = time.perf_counter()
        lit = TypeEngine.to_literal(ctx, FlyteFile(src), FlyteFile, lt)
        up = time.perf_counter() - start
        start = time.perf_counter()
        back = TypeEngine.to_python_value(ctx, lit, FlyteFile)
        local = back.download()
        down = time.perf_counter() - start
    return {"bytes": os.path.getsize(src), "up_s": up, "down_s": down,
            "identical": filecmp.cmp(src, local, shallow=False), "uri": lit.scalar.blob.uri}


def dir_(prefix, src):
    ctx = context(prefix, src)
    with FlyteContextManager.with_context(ctx.new_builder()) as ctx:
        lt = TypeEngine.to_literal_type(FlyteDirectory)
        start = time.perf_counter()
        lit = TypeEngine.to_literal(ctx, FlyteDirectory(src), FlyteDirectory, lt)
        up = time.perf_counter() - start
        start = time.perf_counter()
        back = TypeEngine.to_python_value(ctx, lit, FlyteDirectory)
        local = back.download()
        down = time.perf_counter() - start
    files = sorted(p.relative_to(src) for p in Path(src).rglob("*") if p.is_file())
    got = sorted(p.relative_to(local) for p in Path(local).rglob("*") if p.is_file())
    identical = files == got and all(filecmp.cmp(Path(src) / f, Path(local) / f, shallow=False) for f in files)
    return {"files": len(files), "up_s": up, "down_s": down, "identical": identical, "uri": lit.scalar.blob.uri}


def table(rows):
    """The table flyte-bench's `table` makes: id, x and label from a multiplicative hash."""
    ids = np.arange(rows, dtype=np.int64)
    with np.errstate(over="ignore"):
        h = ids.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    x = (h >> np.uint64(11)).astype(np.float64) / float(1 << 53)
    label = np.char.mod("%016x", h)
    return pd.DataFrame({"id": ids, "x": x, "label": label.astype(object)})


def table_out_in(prefix, rows):
    df = table(rows)
    ctx = context(prefix, tempfile.gettempdir() + "/x")
    with FlyteContextManager.with_context(ctx.new_builder()) as ctx:
        lt = TypeEngine.to_literal_type(pd.DataFrame)
        start = time.perf_counter()
        lit = TypeEngine.to_literal(ctx, df, pd.DataFrame, lt)
        out = time.perf_counter() - start
        start = time.perf_counter()
        back = TypeEngine.to_python_value(ctx, lit, pd.DataFrame)
        back_in = time.perf_counter() - start
    return {"rows": rows, "out_s": out, "in_s": back_in, "identical": bool(back.equals(df)),
            "uri": lit.scalar.structured_dataset.uri}


def main():
    kind, prefix, arg = sys.argv[1:4]
    if kind == "file":
        report = file(prefix, arg)
    elif kind == "dir":
        report = dir_(prefix, arg)
    elif kind == "table":
        report = table_out_in(prefix, int(arg))
    else:
        raise SystemExit(f"unknown kind {kind}")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
