"""Parquet codecs and row-group sizes on the TPC-H tables, as DuckDB writes and reads them.

usage: python tpch_codecs.py SF [RUNS]   (in bench/out/.venv-tpch, which `bench/run.sh tpch` makes)
For each setting: the time to write every table (COPY … TO, as Silt's writer does), the bytes
written, the time to read every column of every table back (a full scan), and the TPC-H queries'
total time over those files. Settings alternate within each run; medians of RUNS (3).
"""
import json
import os
import statistics
import sys
import tempfile
import time

import duckdb
import duckdb_extension_tpch

SETTINGS = {
    "snappy": "COMPRESSION snappy",
    "zstd-1": "COMPRESSION zstd, COMPRESSION_LEVEL 1",
    "zstd-3": "COMPRESSION zstd, COMPRESSION_LEVEL 3",
    "zstd-1 rg 1M rows": "COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE 1048576",
    "snappy rg 1M rows": "COMPRESSION snappy, ROW_GROUP_SIZE 1048576",
}

sf = float(sys.argv[1])
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
ext = os.path.join(os.path.dirname(duckdb_extension_tpch.__file__), "extensions", f"v{duckdb.__version__}", "tpch.duckdb_extension")
con = duckdb.connect(config={"threads": os.cpu_count() or 1})
con.execute(f"LOAD '{ext}'")
con.execute(f"CALL dbgen(sf={sf})")
tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
queries = [q for (q,) in con.execute("SELECT query FROM tpch_queries() ORDER BY query_nr").fetchall()]
work = tempfile.mkdtemp(prefix="silt-codecs-")
times = {name: {"write": [], "scan": [], "queries": []} for name in SETTINGS}
sizes = {}


def timed(fn):
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


for run in range(runs):
    for name, options in SETTINGS.items():
        folder = os.path.join(work, name.replace(" ", "_"))
        os.makedirs(folder, exist_ok=True)
        files = {t: os.path.join(folder, f"{t}.parquet") for t in tables}
        times[name]["write"].append(sum(timed(lambda: con.execute(f"COPY {t} TO '{files[t]}' (FORMAT parquet, {options})")) for t in tables))
        sizes[name] = sum(os.path.getsize(f) for f in files.values())
        reader = duckdb.connect(config={"threads": os.cpu_count() or 1})
        # Every column decoded: a hash of each row of each table.
        times[name]["scan"].append(sum(timed(lambda: reader.execute(f"SELECT sum(hash(COLUMNS(*))) FROM read_parquet('{files[t]}')").fetchall()) for t in tables))
        for t in tables:
            reader.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet('{files[t]}')")
        times[name]["queries"].append(sum(timed(lambda: reader.execute(q).fetchall()) for q in queries))
        reader.close()

print(f"TPC-H sf {sf}, DuckDB {duckdb.__version__}, {os.cpu_count()} threads, median of {runs} runs (settings alternate)")
print(f"{'setting':20} {'write ms':>9} {'MiB':>8} {'full scan ms':>13} {'22 queries ms':>14}")
result = {}
for name in SETTINGS:
    m = {k: statistics.median(v) for k, v in times[name].items()}
    result[name] = {**m, "bytes": sizes[name]}
    print(f"{name:20} {m['write']:9.0f} {sizes[name] / 2**20:8.1f} {m['scan']:13.0f} {m['queries']:14.0f}")
print(json.dumps(result))
