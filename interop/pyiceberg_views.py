"""Uses Silt's Iceberg REST views as a PyIceberg user would: RestCatalog over HTTP.

usage: pyiceberg_views.py URI

Expects view shop.big (made by Silt's CREATE VIEW) and table shop.orders. Lists the views of
shop, checks which exist, loads shop.big, creates shop.py_view (a spark representation over
shop.orders), drops shop.big, and prints one JSON line of what it saw; the Silt test suite checks it.
"""
import json
import sys

import pyarrow as pa
from pyiceberg.catalog import load_catalog
from pyiceberg.view.metadata import SQLViewRepresentation, ViewRepresentation, ViewVersion


def main() -> None:
    # sys.argv[2] is client_id:client_secret, traded at the catalog's OAuth2 endpoint for a bearer token.
    catalog = load_catalog("silt", type="rest", uri=sys.argv[1], credential=sys.argv[2])
    listed = sorted(".".join(v) for v in catalog.list_views("shop"))
    exists = [catalog.view_exists("shop.big"), catalog.view_exists("shop.nope"), catalog.view_exists("shop.orders")]
    big = catalog.load_view("shop.big")
    current = next(v for v in big.metadata.versions if v.version_id == big.metadata.current_version_id)
    dialects = [r.root.dialect for r in current.representations]
    schema = pa.schema([pa.field("id", pa.int64())])
    version = ViewVersion(
        schema_id=0,
        summary={"engine-name": "pyiceberg"},
        representations=[ViewRepresentation(SQLViewRepresentation(type="sql", sql="SELECT id FROM shop.orders WHERE id > 2", dialect="spark"))],
        default_namespace=("shop",),
    )
    catalog.create_view("shop.py_view", schema, version)
    after_create = sorted(".".join(v) for v in catalog.list_views("shop"))
    catalog.drop_view("shop.big")
    print(json.dumps({
        "listed": listed,
        "exists": exists,
        "dialects": dialects,
        "columns": [f.name for f in big.metadata.schemas[-1].fields],
        "after_create": after_create,
        "after_drop": sorted(".".join(v) for v in catalog.list_views("shop")),
        "big_exists_after_drop": catalog.view_exists("shop.big"),
    }))


if __name__ == "__main__":
    main()
