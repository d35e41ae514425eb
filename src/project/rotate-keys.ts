import { isEncrypted, type KeyProvider, keyring, MASTER_KEY_PROPERTY, rewrapTableKey } from '../keys/index.js';
import type { Project } from './open.js';

export interface RotatedKey {
  table: string;
  /** Already wrapped by the new master key (an earlier rotation that stopped halfway). */
  already: boolean;
}

/**
 * Re-wraps every encrypted table's data key with `to`, one property commit per table: no data
 * file is read or written, so rotation costs the same for a byte as for a petabyte. Every key is
 * unwrapped first, so a wrong current master key changes nothing; a rotation stopped halfway is
 * finished by running it again (tables wrapped by `to` already are skipped).
 */
export async function rotateMasterKey(project: Project, to: KeyProvider): Promise<RotatedKey[]> {
  keyring.addProvider(to);
  const tables = [];
  for (const t of await project.catalog.listTables()) {
    const table = await project.catalog.loadTable(t.namespace, t.name);
    const props = table.metadata.properties;
    if (!isEncrypted(props)) continue;
    const name = `${t.namespace}.${t.name}`;
    await keyring.dataKey(props, name);
    tables.push({ table, name });
  }
  const rotated: RotatedKey[] = [];
  for (const { table, name } of tables) {
    const props = (await table.refresh()).properties;
    if (props[MASTER_KEY_PROPERTY] === to.id) {
      rotated.push({ table: name, already: true });
      continue;
    }
    await table.setProperties(await rewrapTableKey(props, name, keyring, to));
    rotated.push({ table: name, already: false });
  }
  return rotated;
}
