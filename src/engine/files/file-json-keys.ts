import { type Engine, quoteIdent } from '../core/index.js';
import type { Reject } from './file-types.js';

/**
 * Takes the object records of `records` (line, text, ok) that hold a top-level key more than once
 * out of it and returns them as rejects naming the key: DuckDB's parser keeps one of the values
 * and drops the other without a word. json_keys keeps every key as written, so a record whose
 * keys are fewer once made distinct repeats one.
 */
export async function takeRepeatedKeys(engine: Engine, path: string, records: string, cut: (text: string) => string): Promise<Reject[]> {
  const table = quoteIdent(records);
  const rows = await engine.all<{ line: bigint; text: string; keys: string[] }>(
    `SELECT line, text, keys FROM (SELECT line, text, json_keys(text) AS keys FROM ${table} WHERE ok)
     WHERE len(keys) <> len(list_distinct(keys)) ORDER BY line`,
  );
  if (rows.length === 0) return [];
  await engine.run(`DELETE FROM ${table} WHERE line IN (${rows.map((r) => String(r.line)).join(', ')})`);
  return rows.map((r) => ({ file: path, line: Number(r.line), column: null, raw: cut(r.text), error: repeatedKeyReason(r.keys) }));
}

/** The reason for a record whose keys (as written, in order) repeat one. */
export function repeatedKeyReason(keys: string[], prefix = ''): string {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  const [key, n] = [...counts].find(([, c]) => c > 1) ?? ['', 0];
  const times = n === 2 ? 'twice' : `${n} times`;
  return `key ${JSON.stringify(prefix + key)} appears ${times} in one record; keep one, or rename one`;
}
