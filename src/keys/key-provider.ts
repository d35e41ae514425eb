/**
 * The master key that wraps each table's data key: a `KeyProvider` wraps and unwraps data keys and
 * names itself by an id that says nothing of the key. The local one holds 32 bytes from the
 * environment (`SILT_MASTER_KEY`, base64) or a key file; a cloud KMS can implement the same three
 * members later (its id the KMS key's ARN, wrap/unwrap its Encrypt/Decrypt calls).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { EnvironmentFault, InvalidInput } from '../errors.js';

export interface KeyProvider {
  /** Names the master key (stored beside each key it wraps); never reveals it. */
  readonly id: string;
  wrap(dataKey: Uint8Array): Promise<string>;
  /** Throws when `wrapped` was not made by this master key (or was changed since). */
  unwrap(wrapped: string): Promise<Uint8Array>;
}

export const WRAP_ALGORITHM = 'AES-256-GCM';

/** A master key held in this process: AES-256-GCM, the wrapped form base64(iv ‖ tag ‖ ciphertext). */
export function localKeyProvider(masterKey: Uint8Array): KeyProvider {
  if (masterKey.length !== 32) throw new InvalidInput(`encryption: a master key must be 32 bytes (base64 of 32 random bytes, e.g. \`openssl rand -base64 32\`); this one has ${masterKey.length}`);
  const key = Uint8Array.from(masterKey);
  const id = `local:${createHash('sha256').update('silt master key id\0').update(key).digest('hex').slice(0, 16)}`;
  const aad = new TextEncoder().encode(id);
  return {
    id,
    wrap: async (dataKey) => {
      const iv = bytes(randomBytes(12));
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(aad);
      const body = [...bytes(cipher.update(dataKey)), ...bytes(cipher.final())];
      return Buffer.from([...iv, ...bytes(cipher.getAuthTag()), ...body]).toString('base64');
    },
    unwrap: async (wrapped) => {
      const all = bytes(Buffer.from(wrapped, 'base64'));
      const decipher = createDecipheriv('aes-256-gcm', key, all.subarray(0, 12));
      decipher.setAAD(aad);
      decipher.setAuthTag(all.subarray(12, 28));
      return Uint8Array.from([...bytes(decipher.update(all.subarray(28))), ...bytes(decipher.final())]);
    },
  };
}

/** A Buffer as the plain Uint8Array node:crypto's typings take. */
function bytes(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer as ArrayBuffer, b.byteOffset, b.length);
}

/** Base64 text of 32 bytes (a key file's content or an environment variable's), as a provider. */
export function keyFromText(text: string, from: string): KeyProvider {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) throw new InvalidInput(`encryption: ${from} must hold a base64 master key (32 random bytes, e.g. \`openssl rand -base64 32\`)`);
  try {
    return localKeyProvider(bytes(Buffer.from(trimmed, 'base64')));
  } catch (e) {
    if (e instanceof InvalidInput) throw new InvalidInput(e.message.replace('a master key', `the master key in ${from}`));
    throw e;
  }
}

/** The master key of the environment variable `variable`, else of `keyFile`, else none. */
export function masterKeyFrom(env: NodeJS.ProcessEnv, variable: string, keyFile: string | undefined): KeyProvider | undefined {
  const fromEnv = env[variable];
  if (fromEnv) return keyFromText(fromEnv, variable);
  if (keyFile === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(keyFile, 'utf8');
  } catch (e) {
    throw new EnvironmentFault(`encryption: cannot read the master key file ${keyFile} (${(e as NodeJS.ErrnoException).code ?? String(e)}); create it (\`openssl rand -base64 32 > ${keyFile}\`) or set ${variable}`, { cause: e });
  }
  return keyFromText(text, keyFile);
}
