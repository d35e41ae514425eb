/**
 * A table's data key: made at random when an encrypted table is created, kept in the table's
 * properties wrapped by the master key (which key, which algorithms), unwrapped when a read or a
 * write of its files needs it, and handed to DuckDB under a name derived from its id.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { EnvironmentFault } from '../errors.js';
import { type KeyProvider, WRAP_ALGORITHM } from './key-provider.js';

/** Table properties saying which key encrypts the data files and how. */
export const ENCRYPTION_PROPERTY = 'silt.encryption';
export const KEY_ID_PROPERTY = 'silt.encryption.key-id';
export const WRAPPED_KEY_PROPERTY = 'silt.encryption.wrapped-key';
export const MASTER_KEY_PROPERTY = 'silt.encryption.master-key-id';
export const WRAP_ALGORITHM_PROPERTY = 'silt.encryption.wrap-algorithm';
export const ALGORITHM_PROPERTY = 'silt.encryption.algorithm';
/** Parquet modular encryption as DuckDB writes it: footer and every column with one key, AES-GCM. */
export const PARQUET_ALGORITHM = 'parquet-modular/AES_GCM_V1';

/** The properties of a new encrypted table: a fresh data key wrapped by `provider`. */
export async function newTableKey(provider: KeyProvider): Promise<Record<string, string>> {
  return {
    [ENCRYPTION_PROPERTY]: 'true',
    [KEY_ID_PROPERTY]: randomUUID(),
    [WRAPPED_KEY_PROPERTY]: await provider.wrap(Uint8Array.from(randomBytes(32))),
    [MASTER_KEY_PROPERTY]: provider.id,
    [WRAP_ALGORITHM_PROPERTY]: WRAP_ALGORITHM,
    [ALGORITHM_PROPERTY]: PARQUET_ALGORITHM,
  };
}

/** The table's key properties re-wrapped by `to`: the data key, and so every data file, stays. */
export async function rewrapTableKey(props: Readonly<Record<string, string>>, table: string, from: Keyring, to: KeyProvider): Promise<Record<string, string>> {
  const dataKey = await from.dataKey(props, table);
  return { [WRAPPED_KEY_PROPERTY]: await to.wrap(dataKey), [MASTER_KEY_PROPERTY]: to.id, [WRAP_ALGORITHM_PROPERTY]: WRAP_ALGORITHM };
}

/** The table's data files are encrypted (or are meant to be: a key missing is an error, not plaintext). */
export function isEncrypted(props: Readonly<Record<string, string>>): boolean {
  return props[ENCRYPTION_PROPERTY] === 'true' || props[KEY_ID_PROPERTY] !== undefined;
}

/** The name DuckDB knows the table's data key by, or undefined for a table not encrypted. */
export function parquetKeyName(props: Readonly<Record<string, string>>): string | undefined {
  const id = props[KEY_ID_PROPERTY];
  return id === undefined ? undefined : `silt_${id.replace(/[^A-Za-z0-9]/g, '')}`;
}

/**
 * The master keys this process holds and the data keys they unwrapped, by DuckDB name. Engines
 * add every unwrapped key to their database before a statement (`unlocked`, `version`).
 */
export class Keyring {
  private readonly providers = new Map<string, KeyProvider>();
  private readonly keys = new Map<string, { wrapped: string; key: Uint8Array }>();
  version = 0;

  addProvider(provider: KeyProvider): void {
    this.providers.set(provider.id, provider);
  }

  /** The table's DuckDB key name, its data key unwrapped and ready; undefined when not encrypted. */
  async unlock(props: Readonly<Record<string, string>>, table: string): Promise<string | undefined> {
    if (!isEncrypted(props)) return undefined;
    await this.dataKey(props, table);
    return parquetKeyName(props);
  }

  async dataKey(props: Readonly<Record<string, string>>, table: string): Promise<Uint8Array> {
    const name = parquetKeyName(props);
    const wrapped = props[WRAPPED_KEY_PROPERTY];
    const masterId = props[MASTER_KEY_PROPERTY];
    if (name === undefined || wrapped === undefined || masterId === undefined) {
      throw new EnvironmentFault(`encryption: table ${table} has no complete key in its properties (${KEY_ID_PROPERTY}, ${WRAPPED_KEY_PROPERTY}, ${MASTER_KEY_PROPERTY}); restore them from an earlier metadata file`, { details: { table } });
    }
    const held = this.keys.get(name);
    if (held?.wrapped === wrapped) return held.key;
    const provider = this.providers.get(masterId);
    if (!provider) {
      const have = [...this.providers.keys()];
      throw new EnvironmentFault(
        `encryption: table ${table} is encrypted with master key ${masterId}, ` +
          (have.length === 0 ? 'and no master key is set' : `not with the one set (${have.join(', ')})`) +
          `; set SILT_MASTER_KEY (or encryption.master_key_file in silt.yaml) to the key its data key was wrapped with (after \`silt key rotate\`, the new one)`,
        { code: 'wrong_master_key', details: { table, masterKeyId: masterId } },
      );
    }
    let key: Uint8Array;
    try {
      key = await provider.unwrap(wrapped);
    } catch (e) {
      throw new EnvironmentFault(`encryption: the data key of table ${table} does not unwrap with master key ${masterId}: its ${WRAPPED_KEY_PROPERTY} property was changed or the key file holds another key; restore the property from an earlier metadata file`, { cause: e, code: 'wrong_master_key', details: { table } });
    }
    this.keys.set(name, { wrapped, key });
    this.version++;
    return key;
  }

  /** Every data key unwrapped so far, by DuckDB name, base64. */
  unlocked(): [string, string][] {
    return [...this.keys].map(([name, k]) => [name, Buffer.from(k.key).toString('base64')]);
  }

  /** Drops every master and data key (a test that opens a project with another master key). */
  clear(): void {
    this.providers.clear();
    this.keys.clear();
    this.version++;
  }
}

/** The process's keyring: a project adds its master key on open; engines and scans use it. */
export const keyring = new Keyring();
