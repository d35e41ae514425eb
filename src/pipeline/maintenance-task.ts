import { parseTableName } from '../catalog/index.js';
import type { Project } from '../project/index.js';
import { maintainTables, type CompactTables, type MaintainedTable } from './maintenance.js';
import { RunFailed } from '../errors.js';
import { checkTables, vacuum } from '../lifecycle/index.js';
import type { MaintenanceTask } from './run-request.js';

/** What a maintenance job did, as its job keeps it. */
export type TaskResult =
  | { task: 'vacuum'; tables: number; filesRemoved: number; bytesRemoved: number }
  | { task: 'check'; tables: number }
  | { task: 'maintain'; tables: MaintainedTable[] };

/**
 * Runs a maintenance task over the named tables (every table when none is named). A check that
 * finds damage fails (RunFailed naming the tables), so it shows as a failed job.
 */
export async function runTask(project: Project, task: MaintenanceTask, select: readonly string[] = [], compact?: CompactTables): Promise<TaskResult> {
  const catalog = project.catalog;
  // A scheduled `maintain` selects its schedule's scope (see maintenanceSchedules), not tables.
  if (task === 'maintain') return { task, tables: await maintainTables(project, { ...(select[0] ? { scope: select[0] } : {}), ...(compact ? { compact } : {}) }) };
  const tables = select.length ? select.map(parseTableName) : undefined;
  if (task === 'vacuum') {
    const r = await vacuum(catalog, { ...(tables ? { tables } : {}) });
    return { task, tables: r.tables, filesRemoved: r.filesRemoved, bytesRemoved: r.bytesRemoved };
  }
  const r = await checkTables(catalog, { ...(tables ? { tables } : {}) });
  const damaged = r.tables.filter((t) => t.messages.length > 0);
  if (r.damaged) throw new RunFailed(`check: ${damaged.map((t) => t.messages[0]).join('; ')}; \`silt check\` says more`);
  return { task, tables: r.tables.length };
}
