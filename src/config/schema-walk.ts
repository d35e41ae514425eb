/**
 * Finding the part of a zod schema that describes a key path of the parsed data, through records,
 * lists, unions and wrappers, so config errors can list the keys or values that would fit.
 */
import type { z } from 'zod/mini';

type Schema = z.core.$ZodType;
interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  valueType?: Schema;
  element?: Schema;
  options?: Schema[];
  discriminator?: string;
  shape?: Record<string, Schema>;
  values?: unknown[];
}

const def = (s: Schema): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The schema without optional/default/pipe wrappers. */
export function unwrap(s: Schema): Schema {
  let cur = s;
  for (;;) {
    const d = def(cur);
    const next = d.innerType ?? (d.type === 'pipe' ? d.in : undefined);
    if (!next) return cur;
    cur = next;
  }
}

function shapeOf(s: Schema): Record<string, Schema> | undefined {
  return (s as unknown as { shape?: Record<string, Schema> }).shape ?? def(s).shape;
}

/** The union member that fits `data` (by discriminator, or the first object or list that takes it). */
function pick(s: Schema, data: unknown): Schema | undefined {
  const d = def(s);
  const options = (d.options ?? []).map(unwrap);
  if (d.discriminator && data !== null && typeof data === 'object') {
    const value = (data as Record<string, unknown>)[d.discriminator];
    return options.find((o) => literalValues(shapeOf(o)?.[d.discriminator!]).includes(value));
  }
  if (Array.isArray(data)) return options.find((o) => def(o).type === 'array');
  if (data !== null && typeof data === 'object') return options.find((o) => shapeOf(o) !== undefined || def(o).type === 'record');
  return undefined;
}

function literalValues(s: Schema | undefined): unknown[] {
  return s ? (def(unwrap(s)).values ?? []) : [];
}

/** The schema describing the value at `keyPath` of `data`, or undefined where it cannot tell. */
export function schemaAt(root: Schema, keyPath: readonly string[], data: unknown): Schema | undefined {
  let cur: Schema | undefined = unwrap(root);
  let value = data;
  for (const k of keyPath) {
    if (!cur) return undefined;
    let d = def(cur);
    if (d.type === 'union') {
      cur = pick(cur, value);
      if (!cur) return undefined;
      d = def(cur);
    }
    const shape = shapeOf(cur);
    const next: Schema | undefined = shape ? shape[k] : d.type === 'record' ? d.valueType : d.type === 'array' ? d.element : undefined;
    cur = next ? unwrap(next) : undefined;
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[k] : undefined;
  }
  if (cur && def(cur).type === 'union') return pick(cur, value) ?? cur;
  return cur;
}

/** The keys an object schema takes; [] for anything else. */
export function keysOf(s: Schema | undefined): string[] {
  const shape = s ? shapeOf(s) : undefined;
  return shape ? Object.keys(shape) : [];
}
