"""Reads a Silt table with PyIceberg, as any PyIceberg user would, and writes the rows to Parquet.

usage: pyiceberg_read.py CATALOG_PROPS_JSON NAMESPACE.TABLE OUT.parquet [SNAPSHOT_ID]

Prints one JSON line: the snapshot read, the row count and the column names. The Silt test suite
compares the Parquet file with `silt query` output row for row.
"""
import json
import sys

import pyarrow.parquet as pq
from pyiceberg.catalog import load_catalog


def main() -> None:
    props = json.loads(sys.argv[1])
    identifier = sys.argv[2]
    out = sys.argv[3]
    snapshot_id = int(sys.argv[4]) if len(sys.argv) > 4 else None

    catalog = load_catalog("silt", **props)
    table = catalog.load_table(identifier)
    scan = table.scan(snapshot_id=snapshot_id) if snapshot_id is not None else table.scan()
    arrow = scan.to_arrow()
    pq.write_table(arrow, out)
    current = table.current_snapshot()
    print(json.dumps({
        "snapshot_id": str(snapshot_id if snapshot_id is not None else (current.snapshot_id if current else None)),
        "rows": arrow.num_rows,
        "columns": arrow.column_names,
    }))


if __name__ == "__main__":
    main()
