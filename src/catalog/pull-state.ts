import type { Kysely } from 'kysely';
import type { DbCapabilities, MetadataDb } from './db.js';

/** Where a pulled source's connector resumes, and the chunk a crash may have left half landed. */
export interface PullState {
  source: string;
  /** As of the last chunk landed; undefined before the first. */
  state: Record<string, unknown> | undefined;
  /** A chunk's landing file and the state it brings, recorded before its put. */
  pending: { file: string; state: Record<string, unknown> } | undefined;
}

/**
 * The state of pulled sources (`silt_pull_state`). A chunk's file and the state after it are
 * recorded `pending` before the file is put; `landed` then makes that state the source's. After a
 * crash in between, the next pull settles the pending chunk by whether its file is there, so the
 * state advances exactly with the chunks in landing.
 */
export class PullStates {
  constructor(
    private readonly db: Kysely<MetadataDb>,
    private readonly capabilities: Pick<DbCapabilities, 'durably'>,
  ) {}

  async get(source: string): Promise<PullState> {
    const r = await this.db.selectFrom('silt_pull_state').selectAll().where('source', '=', source).executeTakeFirst();
    return {
      source,
      state: r?.state ? (JSON.parse(r.state) as Record<string, unknown>) : undefined,
      pending: r?.pending_file && r.pending_state ? { file: r.pending_file, state: JSON.parse(r.pending_state) as Record<string, unknown> } : undefined,
    };
  }

  /** Records the chunk about to be put, synced before it returns: a file landed with no record of it would be pulled again. */
  async begin(source: string, file: string, state: Record<string, unknown>): Promise<void> {
    await this.capabilities.durably(() => this.upsert(source, { pending_file: file, pending_state: JSON.stringify(state) }));
  }

  /** The pending chunk is in landing: its state becomes the source's. */
  async landed(source: string): Promise<void> {
    const r = await this.db.selectFrom('silt_pull_state').select('pending_state').where('source', '=', source).executeTakeFirst();
    if (!r?.pending_state) return;
    await this.upsert(source, { state: r.pending_state, pending_file: null, pending_state: null });
  }

  /** The pending chunk never became a file: the state stays. */
  async abandon(source: string): Promise<void> {
    await this.upsert(source, { pending_file: null, pending_state: null });
  }

  /** Sets the state outright (a chunk that brought no rows, only a new place to resume from). */
  async set(source: string, state: Record<string, unknown>): Promise<void> {
    await this.upsert(source, { state: JSON.stringify(state), pending_file: null, pending_state: null });
  }

  private async upsert(source: string, set: Partial<Omit<MetadataDb['silt_pull_state'], 'source' | 'updated_ms'>>): Promise<void> {
    const updated_ms = Date.now();
    await this.db
      .insertInto('silt_pull_state')
      .values({ source, state: null, pending_file: null, pending_state: null, ...set, updated_ms })
      .onConflict((oc) => oc.column('source').doUpdateSet({ ...set, updated_ms }))
      .execute();
  }
}
