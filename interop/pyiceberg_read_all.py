"""Reads a Silt table with PyIceberg at its current snapshot and at every snapshot in its history.

usage: pyiceberg_read_all.py CATALOG_PROPS_JSON NAMESPACE.TABLE OUT_DIR

Writes OUT_DIR/current.parquet and OUT_DIR/<snapshot_id>.parquet (one process instead of one per
snapshot: importing PyIceberg costs a second). Prints one JSON line: {"current": id, "snapshots":
{id: rows, ...}}. Snapshot ids are strings, since they do not fit a JavaScript number.
"""
import json
import os
import sys

import pyarrow.parquet as pq
from pyiceberg.catalog import load_catalog


def main() -> None:
    props = json.loads(sys.argv[1])
    table = load_catalog("silt", **props).load_table(sys.argv[2])
    out_dir = sys.argv[3]
    os.makedirs(out_dir, exist_ok=True)
    pq.write_table(table.scan().to_arrow(), os.path.join(out_dir, "current.parquet"))
    rows = {}
    for snapshot in table.metadata.snapshots:
        arrow = table.scan(snapshot_id=snapshot.snapshot_id).to_arrow()
        pq.write_table(arrow, os.path.join(out_dir, f"{snapshot.snapshot_id}.parquet"))
        rows[str(snapshot.snapshot_id)] = arrow.num_rows
    current = table.current_snapshot()
    print(json.dumps({"current": str(current.snapshot_id) if current else None, "snapshots": rows}))


if __name__ == "__main__":
    main()
