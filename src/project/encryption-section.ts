import path from 'node:path';
import { z } from 'zod';
import type { ProjectConfig } from '../config/index.js';
import type { TableEncryption } from '../catalog/index.js';
import { keyring, masterKeyFrom } from '../keys/index.js';

/** The environment variable holding the master key (base64 of 32 bytes); it wins over a key file. */
export const MASTER_KEY_VARIABLE = 'SILT_MASTER_KEY';

/**
 * silt.yaml's `encryption:` section: which tables are written encrypted (a namespace's, or named
 * ones), and the file holding the master key when SILT_MASTER_KEY is not set.
 */
const encryptionSectionSchema = z.strictObject({
  master_key_file: z.string().min(1).optional(),
  namespaces: z.array(z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a namespace name')).default([]),
  tables: z.array(z.string().regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/, 'a table as namespace.table')).default([]),
});

/**
 * The project's table encryption: its master key (SILT_MASTER_KEY, else the key file) is added to
 * the process's keyring so encrypted tables can be read, and new tables it names get a data key.
 */
export function projectEncryption(config: ProjectConfig, env: NodeJS.ProcessEnv = process.env): TableEncryption {
  const section = config.section('encryption', encryptionSectionSchema) ?? encryptionSectionSchema.parse({});
  const keyFile = section.master_key_file === undefined ? undefined : path.resolve(config.dir, section.master_key_file);
  const provider = masterKeyFrom(env, MASTER_KEY_VARIABLE, keyFile);
  if (provider) keyring.addProvider(provider);
  const namespaces = new Set(section.namespaces);
  const tables = new Set(section.tables);
  return { provider, encrypts: (namespace, name) => namespaces.has(namespace) || tables.has(`${namespace}.${name}`) };
}
