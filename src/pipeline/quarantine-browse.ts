import { quoteIdent, quoteLiteral, type QueryResult, type SqlSession } from '../engine/index.js';
import { InvalidInput } from '../errors.js';
import type { Catalog } from '../catalog/index.js';
import type { PipelineConfig } from './config.js';
import { findQuarantine, rulePredicate, type QuarantineTable } from './quarantine-tables.js';

export interface QuarantineFilter {
  /** Only rows held by this rule (silver). */
  rule?: string;
  /** Only rows whose reason (silver) or error (bronze) contains this text, any case. */
  reason?: string;
  limit: number;
  offset: number;
}

/**
 * A page of the rows a table set aside, with the reason for each: a silver quarantine (run, rule,
 * column, reason, original, source file and line) or a source's bronze rejects (file, line, raw
 * text, error). Read through `session`, so as its principal may see them. `rows` is undefined when
 * nothing was set aside yet (the quarantine table does not exist).
 */
export async function browseQuarantine(
  catalog: Catalog,
  session: SqlSession,
  config: PipelineConfig,
  name: string,
  filter: QuarantineFilter,
): Promise<{ quarantine: QuarantineTable; total: number; result: QueryResult | undefined }> {
  const q = findQuarantine(config, name);
  if (q.kind === 'bronze' && filter.rule) throw new InvalidInput(`quarantine: ${q.label} holds rejected records, which have no rule; leave out rule`);
  if (!(await catalog.tableExists(q.namespace, q.table))) return { quarantine: q, total: 0, result: undefined };
  const from = `${quoteIdent(q.namespace)}.${quoteIdent(q.table)}`;
  const where: string[] = [];
  if (filter.rule) where.push(rulePredicate(filter.rule));
  if (filter.reason) where.push(`contains(lower(${q.kind === 'silver' ? 'reason' : 'error'}), ${quoteLiteral(filter.reason.toLowerCase())})`);
  const cond = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  const select =
    q.kind === 'silver'
      ? `SELECT run_id, rule, "column", reason, original, _source_file, _source_line, quarantined_at FROM ${from}${cond} ORDER BY _source_file, _source_line, rule`
      : `SELECT file, line, raw, error, batch_id, rejected_at FROM ${from}${cond} ORDER BY file, line`;
  const [count] = (await session.execute(`SELECT count(*) FROM ${from}${cond}`)).rows;
  const result = await session.execute(`${select} LIMIT ${filter.limit} OFFSET ${filter.offset}`, { maxRows: filter.limit });
  return { quarantine: q, total: Number(count?.[0] ?? 0), result };
}
