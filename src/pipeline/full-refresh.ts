/**
 * `silt run --full-refresh STEP…`: the named silver and gold tables are rebuilt from all their
 * upstream rows, in one commit that replaces their content (an overwrite snapshot; the snapshots
 * before it stay for time travel until they expire). The rebuilt table has the columns a new
 * project would give it: columns no longer produced are dropped, a column whose type changed is
 * dropped and added again with the new type.
 */
import { NotFound } from '../errors.js';
import { buildSchema, type NewField, type Schema, type SchemaChange } from '../table/index.js';
import type { StepNode } from './graph.js';

export function freshFields(schema: Schema, incoming: readonly NewField[]): SchemaChange[] {
  const wanted = new Map(incoming.map((f) => [f.name.toLowerCase(), f]));
  const typed = buildSchema([...incoming]).schema.fields;
  const changes: SchemaChange[] = [];
  const kept = new Set<string>();
  for (const f of schema.fields) {
    const want = wanted.get(f.name.toLowerCase());
    const now = typed.find((t) => t.name.toLowerCase() === f.name.toLowerCase());
    if (want && now && shape(now.type) === shape(f.type) && want.name === f.name) kept.add(want.name.toLowerCase());
    else changes.push({ kind: 'drop', name: f.name });
  }
  for (const f of incoming) if (!kept.has(f.name.toLowerCase())) changes.push({ kind: 'add', name: f.name, type: f.type });
  return changes;
}

/** A type without its field ids: equal shapes hold the same values. */
function shape(type: unknown): string {
  return JSON.stringify(type, (k, v: unknown) => (k === 'id' || k === 'element-id' || k === 'key-id' || k === 'value-id' ? undefined : v));
}

/** The steps `--full-refresh` names (`silver.orders`, `gold.daily_sales`, or a bare table name), checked against the run's steps. */
export function fullRefreshSteps(nodes: readonly StepNode[], names: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const name of names) {
    const lower = name.toLowerCase();
    const found = nodes.filter((n) => n.kind !== 'ingest' && (n.id === lower || n.table === lower || n.id.endsWith(`.${lower}`)));
    if (found.length !== 1) {
      const known = nodes.filter((n) => n.kind !== 'ingest').map((n) => n.id);
      throw new NotFound(
        found.length
          ? `run: --full-refresh ${name} names ${found.map((n) => n.id).join(' and ')}; name one (e.g. ${found[0]!.id})`
          : `run: --full-refresh ${name} is no silver or gold step; steps: ${known.join(', ') || 'none'} (ingest steps read only new files, always)`,
        { code: 'step_not_found' },
      );
    }
    out.add(found[0]!.id);
  }
  return out;
}
