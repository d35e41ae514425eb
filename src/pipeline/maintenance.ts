import type { Catalog, TableIdent } from '../catalog/index.js';
import { InvalidInput } from '../errors.js';
import { parseSize } from '../config/index.js';
import { applyRetention, compactTables, expireSnapshots, retentionRules, rewriteManifests } from '../lifecycle/index.js';
import type { Project } from '../project/index.js';
import { pinnedSnapshots } from './expire-pins.js';
import { maintenancePolicy, tableMaintenance, type TableMaintenance } from './maintenance-config.js';

/**
 * Compaction as the maintenance policy calls it (settings: the policy's `compact:` for the table).
 * Lifecycle's compactTables unless another is given (tests).
 */
export type CompactTables = (catalog: Catalog, tables: readonly TableIdent[], settings: Readonly<Record<string, unknown>>, dryRun: boolean) => Promise<unknown>;

export type MaintenanceAction = 'expire' | 'rewrite-manifests' | 'compact';
export const MAINTENANCE_ACTIONS: readonly MaintenanceAction[] = ['compact', 'rewrite-manifests', 'expire'];

export interface MaintainedTable {
  table: string;
  compact?: unknown;
  /** What retention deleted and archived (or why it skipped the table). */
  retention?: unknown;
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
    // Retention first: what it deletes is not compacted, and expiry below may drop its old snapshots.
    if (settings.retention) {
      const result = await applyRetention(catalog, retentionRules(project.config), { tables: [ident], dryRun, openEngine: () => project.openEngine() });
      done.retention = result.tables.map(({ table: _t, ...r }) => r)[0] ?? { skipped: result.skipped.map((s) => s.reason) };
    }
    if (settings.compact) {
      done.compact = await (opts.compact ?? compactWith(project))(catalog, [ident], settings.compact, dryRun);
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

/**
 * Compaction (lifecycle's compactTables) with the policy's settings: `target_size` ("128MB"),
 * or `target_file_size_mb`, and `sort_by` (a column or a list); what it did, as plain data.
 */
function compactWith(project: Project): CompactTables {
  return async (catalog, tables, settings, dryRun) => {
    const where = 'maintenance: compact';
    const known = ['target_size', 'target_file_size_mb', 'sort_by'];
    for (const key of Object.keys(settings)) {
      if (!known.includes(key)) throw new InvalidInput(`${where}: unknown setting ${JSON.stringify(key)}; settings: ${known.join(', ')}`, { details: { key } });
    }
    const { target_size: size, target_file_size_mb: mb, sort_by: sortBy } = settings as { target_size?: unknown; target_file_size_mb?: unknown; sort_by?: unknown };
    const targetSize =
      size !== undefined ? (typeof size === 'number' ? size : parseSize(String(size), `${where}: target_size`)) : typeof mb === 'number' ? Math.round(mb * 1024 * 1024) : undefined;
    if (mb !== undefined && typeof mb !== 'number') throw new InvalidInput(`${where}: target_file_size_mb must be a number, found ${JSON.stringify(mb)}`);
    const columns = sortBy === undefined ? undefined : Array.isArray(sortBy) ? sortBy.map(String) : String(sortBy).split(',').map((c) => c.trim());
    const engine = await project.openEngine();
    try {
      const result = await compactTables({ catalog, engine }, { tables: [...tables], dryRun, ...(targetSize !== undefined ? { targetSize } : {}), ...(columns ? { sortBy: columns } : {}) });
      return result.tables.map(({ partitions: _p, snapshotId, ...t }) => ({ ...t, ...(snapshotId !== undefined ? { snapshotId: String(snapshotId) } : {}) }));
    } finally {
      engine.close();
    }
  };
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
