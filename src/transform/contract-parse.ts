/** Parsing one contract outside the config loader (API input, tests): errors name `silver.<name>.<path>`. */
import type { z } from 'zod';
import { didYouMean } from '../config/index.js';
import { InvalidInput } from '../errors.js';
import { columnSchema, enrichSchema, explodeSchema, silverContractSchema, type SilverContract } from './contract-schema.js';

const TOP_KEYS = ['source', 'key', 'order_by', 'flatten', 'columns', 'null_tokens', 'expectations', 'enrich', 'partition_by', 'history', 'explode', 'max_invalid_ratio', 'max_invalid_rows', 'engine', 'description'];
const RULE_KEYS = ['rule', 'column', 'policy', 'name', 'description', 'min', 'max', 'values', 'pattern', 'table', 'to', 'predicate', 'max_invalid_ratio', 'max_invalid_rows'];

/** Validates `raw` as the contract of silver table `name`; the result is frozen. */
export function parseContract(name: string, raw: unknown): SilverContract {
  const parsed = silverContractSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = [...parsed.error.issues].sort((a, b) => rank(a) - rank(b));
    throw new InvalidInput(describe(`silver.${name}`, issues[0]!, raw));
  }
  return deepFreeze(parsed.data);
}

function rank(issue: z.core.$ZodIssue): number {
  return issue.code === 'unrecognized_keys' ? 0 : issue.code === 'custom' ? 2 : 1;
}

function describe(prefix: string, issue: z.core.$ZodIssue, raw: unknown): string {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const known = knownKeys(path);
    const hint = didYouMean(key, known);
    return `${[prefix, ...path, key].join('.')}: unknown key${hint ? ` (did you mean \`${hint}\`?)` : ''}; expected one of: ${known.join(', ')}`;
  }
  const where = [prefix, ...path].join('.');
  const found = valueAt(raw, path);
  const expected = issue.code === 'invalid_type' ? `a ${issue.expected}` : issue.message.replace(/^Invalid (string|input|option): (expected )?/, '');
  if (found === undefined) return `${where}: missing; expected ${expected}`;
  return `${where}: expected ${expected}, found ${JSON.stringify(found)}`;
}

function knownKeys(path: string[]): string[] {
  if (path.length === 0) return TOP_KEYS;
  if (path[0] === 'columns') return Object.keys(columnSchema.shape);
  if (path[0] === 'expectations') return RULE_KEYS;
  if (path[0] === 'enrich') return Object.keys(enrichSchema.shape);
  if (path[0] === 'explode') {
    const rest = path.slice(/^\d+$/.test(path[1] ?? '') ? 2 : 1);
    return rest.length === 0 ? Object.keys(explodeSchema.shape) : knownKeys(rest);
  }
  return [];
}

function valueAt(data: unknown, path: string[]): unknown {
  let cur = data;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
