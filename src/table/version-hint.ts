import { swapObject, type ObjectStore } from '../storage/index.js';
import { metadataVersion } from './table-metadata.js';

/**
 * A table's version hint: `metadata/version-hint.text`, naming its current metadata file (the name
 * without `.metadata.json`, e.g. `00007-<uuid>`), for readers that open a table folder with no
 * catalog (DuckDB's `iceberg_scan` on the folder reads it with its `%s%s.metadata.json` format).
 * The catalog's pointer decides commits; the hint follows it on stores that swap objects.
 */
export const VERSION_HINT = 'version-hint.text';
const SUFFIX = '.metadata.json';

/** The URI of the version hint of the table at `tableLocation`. */
export function versionHintUri(tableLocation: string): string {
  return `${tableLocation.replace(/\/+$/, '')}/metadata/${VERSION_HINT}`;
}

/**
 * Moves the hint to a metadata file the catalog just committed in place of `expected` (none for a
 * new table): a compare-and-swap by `If-Match`, written when the hint is missing, names `expected`,
 * or names an older version than `next`. So two committers finishing out of order leave it at the
 * newer version, and a pointer set back to an older file (a register over) takes it back too.
 * False, writing nothing, when the store cannot swap objects, a name carries no version, or the
 * hint is already ahead.
 */
export async function advanceVersionHint(store: ObjectStore, next: string, expected?: string): Promise<boolean> {
  if (!store.swaps) return false;
  const key = store.keyOf(next);
  const slash = key.lastIndexOf('/');
  const name = stem(key.slice(slash + 1));
  const version = name === undefined ? undefined : metadataVersion(name + SUFFIX);
  if (name === undefined || version === undefined) return false;
  const was = expected === undefined ? undefined : stem(expected.slice(expected.lastIndexOf('/') + 1));
  return swapObject(store, `${key.slice(0, slash + 1)}${VERSION_HINT}`, (current) => {
    if (current === undefined) return name;
    const held = current.toString('utf8').trim();
    const heldVersion = metadataVersion(held + SUFFIX);
    return held === was || heldVersion === undefined || heldVersion < version ? name : undefined;
  });
}

function stem(fileName: string): string | undefined {
  return fileName.endsWith(SUFFIX) ? fileName.slice(0, -SUFFIX.length) : undefined;
}
