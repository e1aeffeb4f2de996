"""Rust task types configured in Python: the adder with its own offset, the sqlite type with
its own query over the demo database (`DEMO_DB`), the checksum with a secret, and the
ready-made `examples.add`; a Python task reports what they returned, as JSON."""
import json
import os

import pandas as pd
from flytekit import Secret, task, workflow
from flytekit.types.file import FlyteFile

from rust_wf.flyte_examples_tasks import AddTask, ChecksumTask, SqliteTask, SqliteTaskConfig, examples_add

add_ten = AddTask("wf.add_ten", offset=10, retries=1)  # config fields as keywords…
by_composer = SqliteTask(
    "wf.by_composer",
    config=SqliteTaskConfig(  # …or as the config class
        uri=os.environ["DEMO_DB"],
        query_template="SELECT Name, Milliseconds FROM tracks "
        "WHERE Composer = {{ .inputs.composer }} ORDER BY TrackId",
    ),
    inputs={"composer": str},  # sqlite: inputs per task
)
checksum = ChecksumTask(
    "wf.checksum",
    secret_group="checksum",
    secret_key="key",
    secret_requests=[Secret(group="checksum", key="key")],
)


@task
def report(total: int, message: str, rows: pd.DataFrame, digest: str, plain: int) -> str:
    return json.dumps({
        "total": total,
        "message": message,
        "rows": rows.to_dict(orient="records"),
        "digest": digest,
        "plain": plain,
    })


@workflow
def wf(a: int, b: int, composer: str, file: FlyteFile) -> str:
    ten = add_ten(a=a, b=b, label="ten")
    rows = by_composer(composer=composer)
    signed = checksum(file=file)
    plain = examples_add(a=ten.total, b=1, label="plain")
    return report(total=ten.total, message=ten.message, rows=rows.results, digest=signed.digest,
                  plain=plain.total)


@workflow
def overflow(a: int) -> int:
    """Fails in Rust: a + 0 + 10 overflows when a is near 2**63."""
    return add_ten(a=a, b=0, label="too big").total
