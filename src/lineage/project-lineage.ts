import { InvalidInput } from '../errors.js';
import type { Project } from '../project/index.js';
import { lakehouseLineage } from './build-lineage.js';
import { traceLineage, type Direction, type LineageTrace } from './trace.js';

/** `ns.table` or `ns.table.column` (a landing prefix `landing/x/` names a table too). */
export function parseLineageTarget(text: string): { table: string; column?: string } {
  if (text.includes('/')) return { table: text };
  const parts = text.split('.');
  if (parts.length < 2 || parts.some((p) => p === '')) {
    throw new InvalidInput(`lineage: ${text} is not a table: write namespace.table or namespace.table.column, e.g. gold.daily_sales.revenue`);
  }
  return parts.length === 2 ? { table: text } : { table: `${parts[0]}.${parts[1]}`, column: parts.slice(2).join('.') };
}

/** The lineage of a table or column of the project, built now from silt.yaml, the models and the catalog. */
export async function projectLineage(project: Project, table: string, column: string | undefined, direction: Direction): Promise<LineageTrace> {
  const engine = await project.openEngine();
  try {
    return traceLineage(await lakehouseLineage(project, engine), table, column, direction);
  } finally {
    engine.close();
  }
}
