/** dbt-like model selection: `name`, `+name` (with everything upstream), `name+` (with everything downstream). */
import { didYouMean } from '../config/index.js';
import { InvalidInput } from '../errors.js';
import type { Model } from './model.js';
import { byTable, upstreamOf } from './order.js';

/** The union of what each selector picks, in the order of `models`. No selectors → all models. */
export function selectModels(models: readonly Model[], selector: readonly string[]): Model[] {
  if (selector.length === 0) return [...models];
  const byName = new Map(models.map((m) => [m.name, m]));
  const index = byTable(models);
  const downstream = new Map<Model, Model[]>(models.map((m) => [m, []]));
  for (const m of models) for (const up of upstreamOf(m, index)) downstream.get(up)!.push(m);

  const picked = new Set<Model>();
  for (const raw of selector.flatMap((s) => s.split(/[\s,]+/)).filter((s) => s.length > 0)) {
    const m = /^(\+?)([^+]+)(\+?)$/.exec(raw);
    const name = m?.[2];
    const model = name === undefined ? undefined : (byName.get(name) ?? index.get(name.toLowerCase()));
    if (!m || !model) {
      const hint = name === undefined ? undefined : didYouMean(name, [...byName.keys()]);
      throw new InvalidInput(
        m
          ? `models: no model named ${name}${hint ? ` (did you mean ${hint}?)` : ''}`
          : `models: cannot read selector "${raw}": write name, +name (with upstream) or name+ (with downstream)`,
      );
    }
    picked.add(model);
    if (m[1]) closure(model, (x) => upstreamOf(x, index), picked);
    if (m[3]) closure(model, (x) => downstream.get(x)!, picked);
  }
  return models.filter((m) => picked.has(m));
}

function closure(start: Model, next: (m: Model) => Model[], into: Set<Model>): void {
  const seen = new Set<Model>([start]);
  const stack = [start];
  while (stack.length > 0) {
    for (const n of next(stack.pop()!)) {
      if (seen.has(n)) continue;
      seen.add(n);
      into.add(n);
      stack.push(n);
    }
  }
}
