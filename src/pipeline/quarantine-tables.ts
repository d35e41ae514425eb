import { didYouMean } from '../config/index.js';
import { quoteIdent, quoteLiteral } from '../engine/index.js';
import { NotFound } from '../errors.js';
import { bronzeTables } from '../ingest/index.js';
import { layersIn, type PipelineConfig } from './config.js';

/** Where a table's set-aside rows live: a silver contract's quarantine, or a source's bronze rejects. */
export interface QuarantineTable {
  /** The table the rows were kept out of, as users name it: `silver.orders`, `bronze.orders`. */
  label: string;
  kind: 'silver' | 'bronze';
  namespace: string;
  table: string;
  /** For an explode's child table: the silver contract whose step writes it (`silver.orders`). */
  explodedFrom?: string;
}

/** Every quarantine the config declares, once each: silver contracts (then their explodes' child tables) first, then sources' rejects (one per bronze table, however many sources share it). */
export function quarantineTables(config: PipelineConfig): QuarantineTable[] {
  const silver = layersIn(config).silver;
  const all = [
    ...Object.entries(config.silver).flatMap(([name, c]) => [
      { label: `${silver}.${name}`, kind: 'silver' as const, namespace: silver, table: `${name}_quarantine` },
      ...(c.explode ?? []).map((e) => ({ label: `${silver}.${e.into}`, kind: 'silver' as const, namespace: silver, table: `${e.into}_quarantine`, explodedFrom: `${silver}.${name}` })),
    ]),
    ...Object.entries(config.sources).map(([name, source]) => {
      const t = bronzeTables(name, source);
      return { label: `${t.namespace}.${t.table}`, kind: 'bronze' as const, namespace: t.namespace, table: t.rejects };
    }),
  ];
  return all.filter((q, i) => all.findIndex((o) => o.namespace === q.namespace && o.table === q.table) === i);
}

/**
 * The quarantine a user names: `orders` (a silver contract), `silver.orders`, `bronze.orders`, or
 * the quarantine/rejects table itself.
 */
export function findQuarantine(config: PipelineConfig, name: string): QuarantineTable {
  const all = quarantineTables(config);
  const wanted = name.toLowerCase();
  const found = all.find((q) => [q.label, `${q.namespace}.${q.table}`].includes(wanted) || (q.kind === 'silver' && q.label === `${q.namespace}.${wanted}`));
  if (!found) {
    const labels = all.map((q) => q.label);
    const hint = didYouMean(name, labels);
    throw new NotFound(
      `quarantine: no table ${name} sets rows aside${hint ? ` (did you mean ${hint}?)` : ''}; name one of: ${labels.join(', ') || 'none (silt.yaml declares no sources or silver contracts)'}`,
    );
  }
  return found;
}

/** Rows held by `rule`, written as the rule (`range`) or as `silt quarantine list` shows it (`range(amount)`). */
export function rulePredicate(rule: string, alias = ''): string {
  const col = (c: string) => `${alias ? `${alias}.` : ''}${quoteIdent(c)}`;
  return `(${col('rule')} = ${quoteLiteral(rule)} OR ${col('rule')} || '(' || ${col('column')} || ')' = ${quoteLiteral(rule)})`;
}
