import type { SilverContract } from './contract-schema.js';
import { enrichColumns } from './enrich-columns.js';

/**
 * The tables a contract reads besides its source (`references` and `enrich`), lowercased, each
 * with the columns it reads from them: the caller need copy only those.
 */
export function lookupColumns(contract: SilverContract): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (table: string, columns: readonly string[]): void => {
    const have = out.get(table.toLowerCase()) ?? [];
    for (const c of columns) if (!have.some((h) => h.toLowerCase() === c.toLowerCase())) have.push(c);
    out.set(table.toLowerCase(), have);
  };
  for (const e of [...contract.expectations, ...(contract.explode ?? []).flatMap((x) => x.expectations)]) if (e.rule === 'references') add(e.table, [e.to]);
  for (const e of contract.enrich) add(e.table, [...e.on, ...enrichColumns(e).map((c) => c.source)]);
  return out;
}
