/**
 * Which new tables are encrypted at rest, and the master key that wraps their data keys: a table
 * the project's `encryption:` section names (or its namespace), or one created with the property
 * `silt.encryption=true`, gets a data key of its own in its first metadata.
 */
import { EnvironmentFault } from '../errors.js';
import { ENCRYPTION_PROPERTY, type KeyProvider, newTableKey } from '../keys/index.js';

export interface TableEncryption {
  /** The master key new data keys are wrapped with; undefined when none is set. */
  provider: KeyProvider | undefined;
  /** The project asks for this table to be encrypted. */
  encrypts(namespace: string, name: string): boolean;
}

/** `def` with a fresh wrapped data key in its properties when the table is to be encrypted. */
export async function withTableKey<D extends { properties?: Record<string, string> }>(encryption: TableEncryption | undefined, namespace: string, name: string, def: D): Promise<D> {
  const asked = def.properties?.[ENCRYPTION_PROPERTY];
  if (asked === 'false' || !(asked === 'true' || encryption?.encrypts(namespace, name))) return def;
  if (!encryption?.provider) {
    throw new EnvironmentFault(
      `encryption: table ${namespace}.${name} is to be encrypted but no master key is set; set SILT_MASTER_KEY (base64 of 32 random bytes) or encryption.master_key_file in silt.yaml`,
      { code: 'no_master_key', details: { table: `${namespace}.${name}` } },
    );
  }
  return { ...def, properties: { ...def.properties, ...(await newTableKey(encryption.provider)) } };
}
