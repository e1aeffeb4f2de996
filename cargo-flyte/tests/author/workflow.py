"""The grown tutorial crate's task types in a flytekit workflow, run locally through the
crate's binary (FLYTE_RS_BINARY): a ready-made task called without its Optional input, a
field of its struct output read by attribute, a task made in Python from the task type's
class, and a configuration the task type refuses.

    workflow.py MODULE_DIR TABLE -> JSON: what the workflow returned, and the refusal
"""
import json
import sys
import typing

sys.path.insert(0, sys.argv[1])

from flytekit import task, workflow  # noqa: E402
from flytekit.types.file import FlyteFile  # noqa: E402

import greetings_tasks as g  # noqa: E402

# Made in Python from the task type's class: summing `tax` only.
tax = g.CsvStats("stats.tax", columns=["tax"])


@task
def twice(rows: int) -> int:
    return 2 * rows


@workflow
def wf(table: FlyteFile) -> typing.Tuple[int, int, float, g.Summary]:
    sales = g.stats_sales(table=table)  # min_rows left out: none
    taxed = tax(table=table, min_rows=1)
    return sales.summary.rows, twice(rows=sales.summary.rows), taxed.summary.sums[0], sales.summary


rows, doubled, tax_sum, summary = wf(table=FlyteFile(sys.argv[2]))
try:
    g.CsvStats("stats.nothing", columns=[])
    refused = None
except g.RustConfigError as e:
    refused = f"{type(e).__name__}: {e}"
print(json.dumps({
    "rows": rows,
    "doubled": doubled,
    "tax_sum": tax_sum,
    "summary_type": type(summary).__name__,
    "summary_columns": summary.columns,
    "refused": refused,
}))
