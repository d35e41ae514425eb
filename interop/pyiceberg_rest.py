"""Uses Silt's Iceberg REST catalog as a PyIceberg user would: RestCatalog over HTTP.

usage: pyiceberg_rest.py URI OUT_DIR SILT_TABLE

Lists namespaces, creates namespace `rest_ns` and table `rest_ns.people`, appends rows with
pyarrow, reads them back, adds a column, appends again, deletes id 2, reads the first snapshot
again (time travel), creates rest_ns.staged with its first rows in one transaction, reads `SILT_TABLE` (written by Silt's
pipeline) into OUT_DIR/silt_table.parquet, and writes what it read of people to
OUT_DIR/people.parquet. Prints one JSON line of what it saw; the Silt test suite checks it.
"""
import json
import os
import sys

import pyarrow as pa
import pyarrow.parquet as pq
from pyiceberg.catalog import load_catalog
from pyiceberg.types import StringType


def main() -> None:
    uri, out, silt_table, credential = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    # credential is client_id:client_secret (a principal and one of its tokens): PyIceberg trades
    # it at the catalog's OAuth2 token endpoint for the bearer token it then sends.
    catalog = load_catalog("silt", type="rest", uri=uri, credential=credential)
    before = sorted(".".join(n) for n in catalog.list_namespaces())
    catalog.create_namespace("rest_ns", {"owner": "pyiceberg"})
    first = pa.table({"id": pa.array([1, 2, 3], pa.int64()), "name": pa.array(["ada", "bo", None], pa.string())})
    table = catalog.create_table("rest_ns.people", schema=first.schema)
    table.append(first)
    first_read = catalog.load_table("rest_ns.people").scan().to_arrow().sort_by("id").to_pylist()
    first_snapshot = table.current_snapshot().snapshot_id

    with table.update_schema() as update:
        update.add_column("city", StringType())
    second = pa.table({
        "id": pa.array([4], pa.int64()),
        "name": pa.array(["cy"], pa.string()),
        "city": pa.array(["oslo"], pa.string()),
    })
    table.append(second)
    table.delete("id = 2")
    people = catalog.load_table("rest_ns.people")
    as_of_first = people.scan(snapshot_id=first_snapshot).to_arrow().sort_by("id").to_pylist()
    arrow = people.scan().to_arrow().sort_by("id")
    pq.write_table(arrow, os.path.join(out, "people.parquet"))

    # A staged create: the table and its first rows in one commit (assert-create).
    staged_rows = pa.table({"id": pa.array([10, 11], pa.int64())})
    with catalog.create_table_transaction("rest_ns.staged", schema=staged_rows.schema) as tx:
        tx.append(staged_rows)
    staged = catalog.load_table("rest_ns.staged").scan().to_arrow().sort_by("id").to_pylist()

    silt = catalog.load_table(silt_table).scan().to_arrow()
    pq.write_table(silt, os.path.join(out, "silt_table.parquet"))
    print(json.dumps({
        "namespaces_before": before,
        "namespaces_after": sorted(".".join(n) for n in catalog.list_namespaces()),
        "tables": sorted(".".join(t) for t in catalog.list_tables("rest_ns")),
        "staged": staged,
        "first_read": first_read,
        "people": arrow.to_pylist(),
        "columns": [f.name for f in people.schema().fields],
        "snapshots": len(people.metadata.snapshots),
        "operations": [s.summary.operation.value for s in people.metadata.snapshots],
        "as_of_first": as_of_first,
        "first_snapshot": str(first_snapshot),
        "silt_rows": silt.num_rows,
    }))


if __name__ == "__main__":
    main()
