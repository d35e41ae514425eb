/**
 * Type-2 history (`history: true` on a contract): silver keeps every version of a key, one per
 * value of `order_by`, with `valid_from` (that value), `valid_to` (the next version's value, NULL
 * for the last) and `is_current`. Versions are deduplicated per (key, order_by) as latest-wins
 * deduplicates per key; the intervals of a key are recomputed from all its versions each time one
 * arrives, so a version arriving late lands between the versions around it.
 */
import { type Engine, quoteIdent } from '../engine/index.js';
import type { SilverContract } from './contract-shape.js';
import { parseEnrichColumn } from './enrich-columns.js';
import { describeColumns } from './source-columns.js';

export const HISTORY_COLUMNS = ['valid_from', 'valid_to', 'is_current'] as const;

/** Why a contract cannot keep history, as config issues. */
export function historyIssues(c: SilverContract): { path: (string | number)[]; message: string }[] {
  if (!c.history) return [];
  const issues: { path: (string | number)[]; message: string }[] = [];
  if (!c.key) issues.push({ path: ['history'], message: 'a key to keep history by: declare `key` (the versions of one key form its history)' });
  if (!c.order_by) issues.push({ path: ['history'], message: 'an order_by column that orders the versions of a key (a timestamp, date or version number), or _ingested_at' });
  for (const name of HISTORY_COLUMNS) {
    const taken = [...Object.keys(c.columns), ...c.enrich.flatMap((e) => e.columns.map((x) => parseEnrichColumn(x)?.as ?? x))].some((n) => n.toLowerCase() === name);
    if (taken) issues.push({ path: ['history'], message: `no column named ${name}: a table keeping history adds ${HISTORY_COLUMNS.join(', ')} itself` });
  }
  c.expectations.forEach((x, i) => {
    if (x.rule === 'unique') issues.push({ path: ['expectations', i, 'rule'], message: `no unique rule on a table keeping history (a key's versions repeat its values); check ${x.column} in a gold model over is_current rows` });
  });
  return issues;
}

/** The contract deduplicating versions: rows of one key and one order_by value are one version. */
export function versionContract(c: SilverContract): SilverContract {
  return c.history ? { ...c, key: [...c.key!, c.order_by!] } : c;
}

/**
 * Creates `into`: every version of the keys `versions` (the winning new versions) touches, theirs
 * and the current table's other versions of those keys, with their intervals recomputed.
 */
export async function historyRows(engine: Engine, contract: SilverContract, versions: string, current: string | undefined, into: string): Promise<void> {
  const key = contract.key!.map(quoteIdent);
  const ob = quoteIdent(contract.order_by!);
  const names = (await describeColumns(engine, `SELECT * FROM ${versions}`)).map((c) => quoteIdent(c.name));
  const cols = names.join(', ');
  const same = (extra: string[]): string => [...key, ...extra].map((k) => `n.${k} = c.${k}`).join(' AND ');
  const others = current
    ? ` UNION ALL SELECT ${names.map((n) => `c.${n}`).join(', ')} FROM ${current} AS c` +
      ` WHERE EXISTS (SELECT 1 FROM ${versions} AS n WHERE ${same([])}) AND NOT EXISTS (SELECT 1 FROM ${versions} AS n WHERE ${same([ob])})`
    : '';
  const next = `lead(${ob}) OVER (PARTITION BY ${key.join(', ')} ORDER BY ${ob} NULLS FIRST)`;
  await engine.run(
    `CREATE TEMP TABLE ${into} AS SELECT *, ${ob} AS valid_from, ${next} AS valid_to, ${next} IS NULL AS is_current FROM (SELECT ${cols} FROM ${versions}${others})`,
  );
}
