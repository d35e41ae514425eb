import type { Kysely } from 'kysely';
import type { DbCapabilities, MetadataDb } from './db.js';

/** An idempotency key of an HTTP push, and the landing file its rows went into. */
export interface PushKey {
  source: string;
  key: string;
  /** `pending` from just before the batch file is put until just after; then `done`. */
  state: 'pending' | 'done';
  /** Store key of the landing file. */
  file: string;
  rows: number;
  /** sha256 of the request body, so a key reused for another body is told apart from a retry. */
  bodySha256: string;
  createdMs: number;
}

/**
 * Idempotency keys of pushes (`silt_push_keys`). A key is written `pending` with its target file
 * before the put and marked `done` after it, so a crash between the two leaves a record that the
 * next start settles by whether the file exists.
 */
export class PushKeys {
  constructor(
    private readonly db: Kysely<MetadataDb>,
    private readonly capabilities: Pick<DbCapabilities, 'durably'>,
  ) {}

  async get(source: string, key: string): Promise<PushKey | undefined> {
    const row = await this.db.selectFrom('silt_push_keys').selectAll().where('source', '=', source).where('idem_key', '=', key).executeTakeFirst();
    return row && toKey(row);
  }

  /** Every key still pending: after a crash, those whose put may or may not have happened. */
  async pending(): Promise<PushKey[]> {
    return (await this.db.selectFrom('silt_push_keys').selectAll().where('state', '=', 'pending').execute()).map(toKey);
  }

  /**
   * Records keys as pending, in one transaction, synced to the disk before it returns: a pending
   * key lost (a power cut) while its file survived would let a retry land twice.
   */
  async begin(keys: readonly Omit<PushKey, 'state'>[]): Promise<void> {
    if (keys.length === 0) return;
    await this.capabilities.durably(() => this.insert(keys));
  }

  private async insert(keys: readonly Omit<PushKey, 'state'>[]): Promise<void> {
    await this.db
      .insertInto('silt_push_keys')
      .values(
        keys.map((k) => ({
          source: k.source,
          idem_key: k.key,
          state: 'pending',
          file: k.file,
          rows: k.rows,
          body_sha256: k.bodySha256,
          created_ms: k.createdMs,
        })),
      )
      .execute();
  }

  async finish(source: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db.updateTable('silt_push_keys').set({ state: 'done' }).where('source', '=', source).where('idem_key', 'in', [...keys]).execute();
  }

  /** Forgets keys whose push never became a file (the client was never acknowledged). */
  async drop(source: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db.deleteFrom('silt_push_keys').where('source', '=', source).where('idem_key', 'in', [...keys]).execute();
  }

  /** Forgets done keys made before `beforeMs`; returns how many. */
  async expire(beforeMs: number): Promise<number> {
    const r = await this.db.deleteFrom('silt_push_keys').where('state', '=', 'done').where('created_ms', '<', beforeMs).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}

function toKey(r: MetadataDb['silt_push_keys']): PushKey {
  return {
    source: r.source,
    key: r.idem_key,
    state: r.state === 'done' ? 'done' : 'pending',
    file: r.file,
    rows: Number(r.rows),
    bodySha256: r.body_sha256,
    createdMs: Number(r.created_ms),
  };
}
