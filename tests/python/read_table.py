"""Reads a `results` table output with flytekit, and the same query straight from SQLite.

    read_table.py OUTPUTS.pb DATABASE SQL PARAMS_JSON

flytekit's TypeEngine turns the StructuredDataset literal into a pandas DataFrame (its
parquet decoder); pandas' `read_sql_query` runs SQL (with `?N` parameters) on the database,
as flytekit's own SQLite3Task does. Prints both frames' shapes, columns and dtypes and
whether they are equal.
"""
import json
import sqlite3
import sys

import pandas as pd
from flyteidl.core import literals_pb2
from flytekit.core.context_manager import FlyteContextManager
from flytekit.core.type_engine import TypeEngine
from flytekit.models.literals import LiteralMap

outputs_pb, database, sql, params = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
with open(outputs_pb, "rb") as f:
    lm = LiteralMap.from_flyte_idl(literals_pb2.LiteralMap.FromString(f.read()))
ctx = FlyteContextManager.current_context()
ours = TypeEngine.to_python_value(ctx, lm.literals["results"], pd.DataFrame)
with sqlite3.connect(database) as conn:
    theirs = pd.read_sql_query(sql, conn, params=params)


def describe(df):
    return {
        "shape": list(df.shape),
        "columns": [str(c) for c in df.columns],
        "dtypes": [str(d) for d in df.dtypes],
        "first_row": [None if pd.isna(v) else v for v in df.iloc[0].tolist()] if len(df) else [],
    }


print(
    json.dumps(
        {
            "flytekit": describe(ours),
            "sqlite": describe(theirs),
            "equal": bool(ours.equals(theirs)),
        },
        default=str,
    )
)
