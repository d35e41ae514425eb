import { didYouMean } from '../config/index.js';
import { InvalidInput, NotFound } from '../errors.js';

/** A step of a run and the steps it depends on. */
export interface StepNode {
  /** `ingest.orders`, `silver.orders`, `gold.daily_sales`. */
  id: string;
  kind: 'ingest' | 'silver' | 'gold';
  /** The table the step writes, `ns.t`. */
  table: string;
  dependsOn: string[];
}

/** Steps in dependency order; a cycle is an error naming it. */
export function topoOrder(nodes: readonly StepNode[]): StepNode[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const state = new Map<string, 'visiting' | 'done'>();
  const out: StepNode[] = [];
  const visit = (n: StepNode, path: string[]): void => {
    const s = state.get(n.id);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...path.slice(path.indexOf(n.id)), n.id];
      throw new InvalidInput(`pipeline: the steps read each other in a cycle: ${cycle.join(' → ')}; a step cannot read a table it feeds`);
    }
    state.set(n.id, 'visiting');
    for (const d of n.dependsOn) {
      const dep = byId.get(d);
      if (dep) visit(dep, [...path, n.id]);
    }
    state.set(n.id, 'done');
    out.push(n);
  };
  for (const n of nodes) visit(n, []);
  return out;
}

/**
 * The steps a selector names: a step id, a table name (`silver.orders`), or a bare name
 * (`orders` matches every layer's); `+x` adds everything upstream, `x+` everything downstream.
 */
export function selectSteps(nodes: readonly StepNode[], selectors: readonly string[]): Set<string> {
  if (selectors.length === 0) return new Set(nodes.map((n) => n.id));
  const picked = new Set<string>();
  for (const raw of selectors) {
    const up = raw.startsWith('+');
    const down = raw.endsWith('+');
    const name = raw.replace(/^\+/, '').replace(/\+$/, '');
    const hits = nodes.filter((n) => n.id === name || n.table === name || n.id.split('.')[1] === name);
    if (hits.length === 0) {
      const hint = didYouMean(name, [...new Set(nodes.flatMap((n) => [n.id, n.table, n.id.split('.')[1]!]))]);
      throw new NotFound(
        `run: --select ${raw}: no step or table named ${name}${hint ? ` (did you mean ${hint}?)` : ''}; steps: ${nodes.map((n) => n.id).join(', ')}`,
        { code: 'step_not_found', details: { key: name } },
      );
    }
    for (const h of hits) {
      picked.add(h.id);
      if (up) for (const id of closure(nodes, h.id, 'up')) picked.add(id);
      if (down) for (const id of closure(nodes, h.id, 'down')) picked.add(id);
    }
  }
  return picked;
}

function closure(nodes: readonly StepNode[], start: string, dir: 'up' | 'down'): Set<string> {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length) {
    const id = stack.pop()!;
    const next = dir === 'up' ? (nodes.find((n) => n.id === id)?.dependsOn ?? []) : nodes.filter((n) => n.dependsOn.includes(id)).map((n) => n.id);
    for (const n of next) if (!seen.has(n)) (seen.add(n), stack.push(n));
  }
  return seen;
}
