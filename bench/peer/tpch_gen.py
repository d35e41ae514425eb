"""TPC-H data and queries from DuckDB's tpch extension (PyPI packages, no download at run time).

usage: python tpch_gen.py SF OUT_DIR
Writes OUT_DIR/<table>.parquet for the eight tables and OUT_DIR/queries.json (the 22 queries).
"""
import json
import os
import sys

import duckdb
import duckdb_extension_tpch

sf, out = float(sys.argv[1]), sys.argv[2]
os.makedirs(out, exist_ok=True)
ext = os.path.join(os.path.dirname(duckdb_extension_tpch.__file__), "extensions", f"v{duckdb.__version__}", "tpch.duckdb_extension")
con = duckdb.connect()
con.execute(f"LOAD '{ext}'")
con.execute(f"CALL dbgen(sf={sf})")
for (table,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall():
    con.execute(f"COPY {table} TO '{os.path.join(out, table + '.parquet')}' (FORMAT parquet)")
queries = [{"nr": nr, "sql": sql} for nr, sql in con.execute("SELECT query_nr, query FROM tpch_queries() ORDER BY 1").fetchall()]
with open(os.path.join(out, "queries.json"), "w") as f:
    json.dump(queries, f, indent=1)
print(f"tpch: sf {sf}: {len(queries)} queries, tables in {out}")
