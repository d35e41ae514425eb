"""Lists every file a Silt table's metadata references, as PyIceberg sees it.

usage: pyiceberg_files.py CATALOG_PROPS_JSON NAMESPACE.TABLE

Prints one JSON object: {"metadata": [...], "manifest_lists": [...], "manifests": [...],
"data_files": [...]} — the current and logged metadata files, and for every snapshot its manifest
list, manifests and live data files. The crash tests check that after `silt vacuum` nothing else
is left under the table's folder.
"""
import json
import sys

from pyiceberg.catalog import load_catalog


def main() -> None:
    props = json.loads(sys.argv[1])
    table = load_catalog("silt", **props).load_table(sys.argv[2])
    meta = table.metadata
    out = {
        "metadata": sorted({table.metadata_location, *(e.metadata_file for e in meta.metadata_log)}),
        "manifest_lists": [],
        "manifests": set(),
        "data_files": set(),
    }
    for snapshot in meta.snapshots:
        out["manifest_lists"].append(snapshot.manifest_list)
        for manifest in snapshot.manifests(table.io):
            out["manifests"].add(manifest.manifest_path)
            for entry in manifest.fetch_manifest_entry(table.io, discard_deleted=True):
                out["data_files"].add(entry.data_file.file_path)
    print(json.dumps({k: sorted(v) for k, v in out.items()}))


if __name__ == "__main__":
    main()
