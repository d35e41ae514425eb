"""Validates OpenLineage run events (one JSON object per line) against the official JSON schemas.

Usage: openlineage_validate.py EVENTS.ndjson
Each event is checked against OpenLineage.json#/$defs/RunEvent, and each facet it carries against
the schema its `_schemaURL` names (a facet whose schema is not in openlineage-spec/ is an error).
Prints one JSON line: {"events": N}; exits 1 naming the first invalid event and why.
"""
import json
import sys
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

SPEC = Path(__file__).parent / "openlineage-spec"


def registry():
    resources = []
    for f in SPEC.glob("*.json"):
        schema = json.loads(f.read_text())
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


def validator(reg, url):
    base, _, pointer = url.partition("#")
    return Draft202012Validator({"$ref": url}, registry=reg) if pointer else Draft202012Validator(reg.contents(base), registry=reg)


def facets_of(event):
    yield from event["run"].get("facets", {}).items()
    yield from event["job"].get("facets", {}).items()
    for d in event.get("inputs", []) + event.get("outputs", []):
        yield from d.get("facets", {}).items()


def main(path):
    reg = registry()
    known = {r for r in reg}
    run_event = validator(reg, "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent")
    lines = [l for l in Path(path).read_text().splitlines() if l.strip()]
    for n, line in enumerate(lines, 1):
        event = json.loads(line)
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in run_event.iter_errors(event)]
        for name, facet in facets_of(event):
            url = facet.get("_schemaURL", "")
            if url.partition("#")[0] not in known:
                errors.append(f"facet {name}: no schema here for {url}")
                continue
            errors += [f"facet {name}: {'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(reg, url).iter_errors(facet)]
        if errors:
            print(f"event {n} ({event.get('eventType')} {event.get('job', {}).get('name')}) is not valid OpenLineage: " + "; ".join(errors[:5]), file=sys.stderr)
            sys.exit(1)
    print(json.dumps({"events": len(lines)}))


if __name__ == "__main__":
    main(sys.argv[1])
