import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Kysely } from 'kysely';
import type { MetadataDb } from './db.js';

/** Writers (and runs) on other hosts are trusted to be alive for this long, since their pid cannot be checked. */
const REMOTE_WRITE_TTL_MS = 24 * 3600_000;

/**
 * A registry of writes in progress. A writer puts its files in place before it commits; until then
 * they are referenced by nothing, exactly like files a crashed writer left behind. Vacuum tells them
 * apart through this registry: files of a table newer than the start of a live write are kept.
 */
export class ActiveWrites {
  constructor(
    private readonly db: Kysely<MetadataDb>,
    /** Told what cleanup failed after the write itself ended (a stale marker is harmless). */
    private readonly warn: (message: string) => void,
  ) {}

  async run<T>(namespace: string, table: string, fn: () => Promise<T>): Promise<T> {
    const id = randomUUID();
    await this.db
      .insertInto('silt_active_writes')
      .values({ id, table_namespace: namespace, table_name: table, host: os.hostname(), pid: process.pid, started_ms: Date.now() })
      .execute();
    // The marker's removal never decides the outcome: once `fn` committed, the write succeeded,
    // and when `fn` failed, its error is the one to report. A marker left behind (say on a full
    // disk) is forgotten by `oldestLiveStart` once this process has ended.
    const clear = () =>
      this.db
        .deleteFrom('silt_active_writes')
        .where('id', '=', id)
        .execute()
        .then(() => undefined, (e: unknown) => e);
    let value: T;
    try {
      value = await fn();
    } catch (e) {
      await clear();
      throw e;
    }
    const failed = await clear();
    if (failed !== undefined) {
      this.warn(`${namespace}.${table}: the write is done, but its in-progress marker could not be removed from the catalog (${firstLine(failed)}); it is harmless and forgotten once this command has ended`);
    }
    return value;
  }

  /** The start of the oldest live write into the table, or undefined; forgets writers that died. */
  async oldestLiveStart(namespace: string, table: string): Promise<number | undefined> {
    const rows = await this.db
      .selectFrom('silt_active_writes')
      .selectAll()
      .where('table_namespace', '=', namespace)
      .where('table_name', '=', table)
      .execute();
    let oldest: number | undefined;
    for (const r of rows) {
      if (!processAlive(r.host, Number(r.pid), Number(r.started_ms))) {
        // Tidying only: on a full disk or a read-only catalog, vacuum must still run.
        await this.db.deleteFrom('silt_active_writes').where('id', '=', r.id).execute().catch(() => undefined);
        continue;
      }
      oldest = Math.min(oldest ?? Infinity, Number(r.started_ms));
    }
    return oldest;
  }
}

/** Whether the process that started something at `startedMs` may still be at it. */
export function processAlive(host: string | null, pid: number | null, startedMs: number): boolean {
  if (host === os.hostname()) return pid !== null && pidAlive(pid);
  return Date.now() - startedMs < REMOTE_WRITE_TTL_MS;
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}
