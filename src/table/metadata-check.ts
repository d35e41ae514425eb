import { InvalidInput, NotFound } from '../errors.js';
import type { ObjectStore } from '../storage/index.js';
import { u8 } from './bytes.js';
import { decodeManifestList } from './manifest-list.js';
import { parseMetadata } from './metadata-json.js';
import { currentSnapshot } from './table-metadata.js';
import type { TableMetadata } from './types.js';

/**
 * Reads a metadata file a table is about to be pointed at (register, recover) and checks that a
 * reader can start from it: it parses as Iceberg v2 metadata and its current snapshot's manifest
 * list exists and decodes. NotFound when the file is missing; InvalidInput naming the file and
 * what is wrong otherwise.
 */
export async function checkMetadataFile(store: ObjectStore, location: string): Promise<TableMetadata> {
  const key = store.keyOf(location);
  if (!(await store.exists(key))) throw new NotFound(`metadata: no file at ${location}`);
  let metadata: TableMetadata;
  try {
    metadata = parseMetadata((await store.get(key)).toString('utf8'));
  } catch (e) {
    if (e instanceof InvalidInput) throw new InvalidInput(`${location} is not Iceberg v2 table metadata: ${e.message.replace(/^metadata: /, '')}`);
    throw e;
  }
  try {
    store.keyOf(metadata.location);
  } catch {
    throw new InvalidInput(`${location}: its table location ${metadata.location} is outside this project's storage (${store.rootUri})`);
  }
  const snapshot = currentSnapshot(metadata);
  if (metadata['current-snapshot-id'] !== undefined && !snapshot) {
    throw new InvalidInput(`${location}: current snapshot ${metadata['current-snapshot-id']} is not among its snapshots`);
  }
  if (snapshot) {
    const list = snapshot['manifest-list'];
    let listKey: string;
    try {
      listKey = store.keyOf(list);
    } catch {
      throw new InvalidInput(`${location}: the manifest list of snapshot ${snapshot['snapshot-id']} is outside this project's storage (${list})`);
    }
    if (!(await store.exists(listKey))) {
      throw new InvalidInput(`${location}: the manifest list of snapshot ${snapshot['snapshot-id']} is missing (${list})`);
    }
    try {
      decodeManifestList(u8(await store.get(listKey)), list);
    } catch (e) {
      if (e instanceof InvalidInput) throw new InvalidInput(`${location}: the manifest list of snapshot ${snapshot['snapshot-id']} is damaged: ${e.message}`);
      throw e;
    }
  }
  return metadata;
}
