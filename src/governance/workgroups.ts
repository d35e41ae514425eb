/**
 * Workgroups: named sets of principals whose statements get a bytes-scanned limit per statement
 * and per UTC day and a result-row limit. A statement is given what is left of its day before it
 * runs, so one that would pass the day's limit is stopped before reading; its usage is added
 * once it ends.
 */
import type { GovernanceStore, WorkgroupUsage } from '../catalog/index.js';
import { type GovernedLimits, type Limits, type Principal, type StatementEvent } from '../engine/index.js';
import { LimitExceeded } from '../errors.js';
import { names } from './principal-match.js';
import type { WorkgroupDecl } from './policies-config.js';
import { fromStored } from './stored-policies.js';

export class Workgroups {
  constructor(private readonly store: GovernanceStore) {}

  /** The first declared workgroup naming `principal`. */
  async of(principal: Principal): Promise<WorkgroupDecl | undefined> {
    return fromStored(await this.store.policies()).workgroups.find((w) => names(w.members, principal));
  }

  async limitsFor(principal: Principal): Promise<GovernedLimits | undefined> {
    const w = await this.of(principal);
    if (!w) return undefined;
    const limits: Limits = {};
    const said: string[] = [];
    if (w.bytes_scanned_per_query !== undefined) {
      limits.bytesScanned = w.bytes_scanned_per_query;
      said.push(`bytes_scanned_per_query ${w.bytes_scanned_per_query}`);
    }
    if (w.bytes_scanned_per_day !== undefined) {
      const [today] = await this.store.usage({ workgroup: w.name, day: utcDay(Date.now()) });
      const left = Math.max(0, w.bytes_scanned_per_day - (today?.bytesScanned ?? 0));
      limits.bytesScanned = Math.min(limits.bytesScanned ?? Infinity, left);
      said.push(`bytes_scanned_per_day ${w.bytes_scanned_per_day} (${left} left today)`);
    }
    if (w.result_rows !== undefined) {
      limits.rows = w.result_rows;
      said.push(`result_rows ${w.result_rows}`);
    }
    return { limits, setBy: `limits of workgroup ${w.name}: ${said.join(', ')}` };
  }

  /** Adds a statement to its workgroup's day: bytes it read, or a refusal (a bytes limit stops it before reading). */
  async ended(e: StatementEvent): Promise<void> {
    const w = await this.of(e.principal);
    if (!w) return;
    const refused = e.error instanceof LimitExceeded;
    const unread = refused && /bytes scanned/.test((e.error as Error).message);
    await this.store.addUsage(w.name, utcDay(Date.now()), { queries: 1, refused: refused ? 1 : 0, bytesScanned: unread ? 0 : e.bytesScanned });
  }

  usage(opts: { workgroup?: string; day?: string } = {}): Promise<WorkgroupUsage[]> {
    return this.store.usage(opts);
  }
}

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
