/** Dependency order of models: layers that can run one after another (models in a layer in parallel). */
import { InvalidInput } from '../errors.js';
import { tableOf, type Model } from './model.js';

/** The models among `models` that `model` reads. Tables that are not among them do not order anything. */
export function upstreamOf(model: Model, byTable: ReadonlyMap<string, Model>): Model[] {
  return model.dependsOn.flatMap((t) => byTable.get(t) ?? []);
}

export function byTable(models: readonly Model[]): Map<string, Model> {
  return new Map(models.map((m) => [tableOf(m), m]));
}

/**
 * Layers: each model depends only on models of earlier layers (or on tables no model builds).
 * Within a layer, models are sorted by name. A cycle → InvalidInput naming it: `a → b → a`.
 */
export function modelOrder(models: readonly Model[]): Model[][] {
  const index = byTable(models);
  const pending = new Map(models.map((m) => [m, new Set(upstreamOf(m, index))]));
  const layers: Model[][] = [];
  while (pending.size > 0) {
    const ready = [...pending].filter(([, ups]) => ups.size === 0).map(([m]) => m);
    if (ready.length === 0) throw new InvalidInput(`models: dependency cycle: ${findCycle(pending).join(' → ')}`);
    ready.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const m of ready) pending.delete(m);
    for (const ups of pending.values()) for (const m of ready) ups.delete(m);
    layers.push(ready);
  }
  return layers;
}

/** Walks upstream from the first stuck model until a model repeats; every stuck model has an upstream still stuck. */
function findCycle(pending: Map<Model, Set<Model>>): string[] {
  const start = [...pending.keys()].sort((a, b) => (a.name < b.name ? -1 : 1))[0]!;
  const path: Model[] = [];
  let current = start;
  while (!path.includes(current)) {
    path.push(current);
    const next = [...pending.get(current)!].sort((a, b) => (a.name < b.name ? -1 : 1))[0]!;
    current = next;
  }
  // path runs downstream → upstream; show it as data flows: upstream first.
  const flow = path.slice(path.indexOf(current)).reverse().map((m) => m.name);
  const first = flow.indexOf([...flow].sort()[0]!);
  const cycle = [...flow.slice(first), ...flow.slice(0, first)];
  return [...cycle, cycle[0]!];
}
