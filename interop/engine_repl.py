"""One long-lived engine (Spark, DuckDB or PyIceberg) that Silt's engine tests talk to over stdin/stdout.

usage: engine_repl.py spark|duckdb|pyiceberg SETTINGS_JSON [JARS]

SETTINGS_JSON is what `silt connect ENGINE --catalog rest --format json` printed (Spark conf lines,
DuckDB statements, PyIceberg properties); JARS is Spark's comma-separated jar list. Each request is
one JSON line on stdin; each answer one JSON line on stdout:
  {"op": "sql", "sql": "..."}                       -> {"ok": true, "columns": [...], "rows": [{...}]}
  {"op": "concurrent", "sql": ["...", ...], "threads": N}
      runs the statements from N threads at once -> {"ok": true, "done": [i...], "failed": [{"i", "error"}]}
  {"op": "append", "table": "ns.t", "rows": [{...}]} (pyiceberg) -> {"ok": true, "snapshot": "..."}
  {"op": "concurrent_appends", "table": "ns.t", "batches": [[{...}], ...], "threads": N} (pyiceberg)
      each append retried on a 409 -> {"ok": true, "done", "failed", "conflicts": 409s seen}
  {"op": "scan", "table": "ns.t", "snapshot": "id"?} (pyiceberg) -> {"ok": true, "rows": [...]}
  {"op": "list"} (pyiceberg) -> {"ok": true, "tables": ["ns.t", ...]}
A failed request answers {"ok": false, "error": "<type>: <message>"}; the engine stays up.
"""
import base64
import datetime
import decimal
import glob
import json
import os
import sys
import threading
import time
import traceback
import uuid
from concurrent.futures import ThreadPoolExecutor


def plain(v):
    """A value as JSON can carry it: times as ISO text, decimals as text, bytes as base64."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, datetime.datetime):
        if v.tzinfo is not None:
            v = v.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return v.isoformat(sep=" ")
    if isinstance(v, (datetime.date, datetime.time)):
        return v.isoformat()
    if isinstance(v, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(v)).decode()
    if isinstance(v, uuid.UUID):
        return str(v)
    if hasattr(v, "asDict"):
        return {k: plain(x) for k, x in v.asDict(recursive=False).items()}
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    return str(v)


class Spark:
    def __init__(self, settings, jars):
        from pyspark.sql import SparkSession

        b = (SparkSession.builder.master("local[2]").appName("silt-engines")
             .config("spark.jars", jars)
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.driver.host", "127.0.0.1")
             .config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.ui.enabled", "false")
             .config("spark.sql.shuffle.partitions", "2"))
        for k, v in settings.items():
            b = b.config(k, v)
        self.spark = b.getOrCreate()
        self.spark.sparkContext.setLogLevel("ERROR")

    def sql(self, text):
        df = self.spark.sql(text)
        cols = df.columns
        return cols, [{c: plain(r[i]) for i, c in enumerate(cols)} for r in df.collect()]


class DuckDB:
    def __init__(self, statements):
        import duckdb
        import duckdb_extension_avro
        import duckdb_extension_httpfs
        import duckdb_extension_iceberg

        self.db = duckdb.connect()
        self.lock = threading.Lock()
        # The extensions come from their PyPI packages, avro and httpfs first, or iceberg tries to download them.
        for package in (duckdb_extension_httpfs, duckdb_extension_avro, duckdb_extension_iceberg):
            (ext,) = glob.glob(os.path.join(os.path.dirname(package.__file__), "extensions", "*", "*.duckdb_extension"))
            self.db.execute(f"LOAD '{ext}'")
        self.db.execute("SET TimeZone = 'UTC'")
        for s in statements:
            if s.upper().startswith(("INSTALL ", "LOAD ")):
                continue  # installed from PyPI above
            self.db.execute(s)

    def sql(self, text):
        cur = self.db.cursor()
        cur.execute(text)
        if cur.description is None:
            return [], []
        cols = [d[0] for d in cur.description]
        return cols, [{c: plain(v) for c, v in zip(cols, r)} for r in cur.fetchall()]


class PyIceberg:
    def __init__(self, props):
        from pyiceberg.catalog import load_catalog

        self.catalog = load_catalog("silt", **props)
        self.lock = threading.Lock()
        self.conflicts = 0

    def arrow(self, table, rows):
        import pyarrow as pa

        schema = self.catalog.load_table(table).schema().as_arrow()
        return pa.Table.from_pylist(rows, schema=schema)

    def append(self, table, rows):
        """Appends, reloading and retrying when the catalog refuses the commit as a conflict (409)."""
        from pyiceberg.exceptions import CommitFailedException

        data = self.arrow(table, rows)
        for attempt in range(60):
            t = self.catalog.load_table(table)
            try:
                t.append(data)
                return str(t.current_snapshot().snapshot_id)
            except CommitFailedException:
                with self.lock:
                    self.conflicts += 1
                time.sleep(0.02 * (attempt + 1))
        raise CommitFailedException(f"{table}: still conflicting after 60 attempts")

    def scan(self, table, snapshot=None):
        t = self.catalog.load_table(table)
        data = t.scan(snapshot_id=int(snapshot)).to_arrow() if snapshot else t.scan().to_arrow()
        return data.column_names, [{k: plain(v) for k, v in r.items()} for r in data.to_pylist()]


def concurrently(n, jobs):
    done, failed = [], []

    def one(i):
        try:
            jobs[i]()
            done.append(i)
        except Exception as e:  # noqa: BLE001 - each failure is reported to the test
            failed.append({"i": i, "error": f"{type(e).__name__}: {str(e)[:500]}"})

    with ThreadPoolExecutor(max_workers=n) as pool:
        list(pool.map(one, range(len(jobs))))
    return {"done": sorted(done), "failed": failed}


def main():
    kind, settings = sys.argv[1], json.loads(sys.argv[2])
    engine = Spark(settings, sys.argv[3]) if kind == "spark" else DuckDB(settings) if kind == "duckdb" else PyIceberg(settings)
    print(json.dumps({"ok": True, "ready": kind}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            op = req["op"]
            if op == "sql":
                cols, rows = engine.sql(req["sql"])
                ans = {"columns": cols, "rows": rows}
            elif op == "concurrent":
                ans = concurrently(req["threads"], [lambda s=s: engine.sql(s) for s in req["sql"]])
            elif op == "append":
                ans = {"snapshot": engine.append(req["table"], req["rows"])}
            elif op == "concurrent_appends":
                engine.conflicts = 0
                ans = concurrently(req["threads"], [lambda b=b: engine.append(req["table"], b) for b in req["batches"]])
                ans["conflicts"] = engine.conflicts
            elif op == "scan":
                cols, rows = engine.scan(req["table"], req.get("snapshot"))
                ans = {"columns": cols, "rows": rows}
            elif op == "list":
                c = engine.catalog
                ans = {"tables": sorted(".".join(t) for ns in c.list_namespaces() for t in c.list_tables(ns))}
            else:
                raise ValueError(f"unknown op {op}")
            print(json.dumps({"ok": True, **ans}), flush=True)
        except Exception as e:  # noqa: BLE001 - the test decides what a failure means
            sys.stderr.write(traceback.format_exc())
            print(json.dumps({"ok": False, "error": f"{type(e).__name__}: {str(e)[:2000]}"}), flush=True)


if __name__ == "__main__":
    main()
