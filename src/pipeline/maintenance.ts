import type { Catalog, TableIdent } from '../catalog/index.js';
import { InvalidInput } from '../errors.js';
import { expireSnapshots, rewriteManifests } from '../lifecycle/index.js';
import type { Project } from '../project/index.js';
import { pinnedSnapshots } from './expire-pins.js';
import { maintenancePolicy, tableMaintenance, type TableMaintenance } from './maintenance-config.js';

/**
 * Compaction as the maintenance policy calls it (settings: the policy's `compact:` for the table).
 * Injected: the policy accepts `compact:` whether or not a compaction is at hand.
 */
export type CompactTables = (catalog: Catalog, tables: readonly TableIdent[], settings: Readonly<Record<string, unknown>>, dryRun: boolean) => Promise<unknown>;

export type MaintenanceAction = 'expire' | 'rewrite-manifests' | 'compact';
export const MAINTENANCE_ACTIONS: readonly MaintenanceAction[] = ['compact', 'rewrite-manifests', 'expire'];

export interface MaintainedTable {
  table: string;
  compact?: unknown;
  rewriteManifests?: { replaced: number; created: number; kept: number };
  expire?: { snapshotsExpired: number; refsRemoved: string[]; filesRemoved: number; bytesRemoved: number; removed: string[] };
  /** Actions the policy asks for that could not be done here, and why. */
  skipped?: string[];
}

export interface MaintainOptions {
  dryRun?: boolean;
  /** Only these tables (default: every table the scope covers). */
  tables?: readonly TableIdent[];
  /** Only the tables whose most specific schedule is this one (a scheduled job). */
  scope?: string;
  /** Do these actions with the table's settings, or defaults when the policy has none (an API call). */
  actions?: readonly MaintenanceAction[];
  compact?: CompactTables;
}

/**
 * Table maintenance as `maintenance:` in silt.yaml says, table by table: compaction, then manifest
 * rewriting, then expiry (last, so it can drop the snapshots compaction replaced once old enough).
 */
export async function maintainTables(project: Project, opts: MaintainOptions = {}): Promise<MaintainedTable[]> {
  const policy = maintenancePolicy(project.config);
  const catalog = project.catalog;
  const idents = opts.tables ?? (await catalog.listTables());
  const dryRun = opts.dryRun ?? false;
  let pins: Set<bigint> | undefined;
  const out: MaintainedTable[] = [];
  for (const ident of idents) {
    const name = `${ident.namespace}.${ident.name}`;
    const settings = withActions(tableMaintenance(policy, name), opts.actions);
    if (opts.scope !== undefined && (settings.schedule ?? '') !== opts.scope) continue;
    const done: MaintainedTable = { table: name };
    if (settings.compact) {
      if (opts.compact) done.compact = await opts.compact(catalog, [ident], settings.compact, dryRun);
      else (done.skipped ??= []).push('compact: compaction is not available in this build of Silt');
    }
    if (settings.rewriteManifests) {
      const [r] = await rewriteManifests(catalog, { tables: [ident], dryRun });
      done.rewriteManifests = { replaced: r!.replaced, created: r!.created, kept: r!.kept };
    }
    if (settings.expire) {
      pins ??= await pinnedSnapshots(catalog);
      const [r] = (await expireSnapshots(catalog, { tables: [ident], dryRun, pinned: pins, ...settings.expire })).tables;
      done.expire = { snapshotsExpired: r!.snapshotsExpired.length, refsRemoved: r!.refsRemoved, filesRemoved: r!.filesRemoved, bytesRemoved: r!.bytesRemoved, removed: r!.removed };
    }
    out.push(done);
  }
  return out;
}

/** The settings for exactly `actions` (those the policy leaves unset take their defaults), or as they are. */
function withActions(s: TableMaintenance, actions: readonly MaintenanceAction[] | undefined): TableMaintenance {
  if (!actions) return s;
  for (const a of actions) if (!MAINTENANCE_ACTIONS.includes(a)) throw new InvalidInput(`maintain: unknown action ${JSON.stringify(a)}; actions: ${MAINTENANCE_ACTIONS.join(', ')}`);
  return {
    rewriteManifests: actions.includes('rewrite-manifests'),
    ...(actions.includes('expire') ? { expire: s.expire ?? {} } : {}),
    ...(actions.includes('compact') ? { compact: s.compact ?? {} } : {}),
    ...(s.schedule ? { schedule: s.schedule } : {}),
  };
}
