/**
 * External (crawled) tables: files someone else wrote, read in place with DuckDB's readers and
 * cast to the schema the crawler recorded. Files under hive `k=v/` folders get their partition
 * columns from the path; files with other key sets (or none) are read separately and unioned by
 * name, so a dataset whose files sit at mixed depths still reads as one table.
 */
import { type Engine, quoteIdent, quoteList, quoteLiteral, runSql } from '../core/index.js';

export type ExternalFormat = 'csv' | 'tsv' | 'json' | 'parquet';

export interface ExternalColumnDef {
  name: string;
  /** DuckDB type text, e.g. BIGINT, DATE, STRUCT(a BIGINT). */
  type: string;
  /** Comes from the file's `name=value` folder, not from its contents. */
  partition?: boolean;
}

export interface ExternalTableDef {
  format: ExternalFormat;
  /** Reader options recorded by the crawler (csv: delim, header, quote, escape). */
  options: Readonly<Record<string, string>>;
  columns: readonly ExternalColumnDef[];
  /** Paths the engine reads, with sizes for scan statistics. */
  files: readonly { path: string; size: number }[];
}

const QUOTING_OPTIONS = ['quote', 'escape'] as const;
const HIVE_SEGMENT = /^([^=]+)=([^=]*)$/;

/** The SELECT a view of the external table runs: every recorded column, cast to its recorded type. */
export function externalScanSql(def: ExternalTableDef): string {
  const typed = def.columns.map((c) => `CAST(NULL AS ${c.type}) AS ${quoteIdent(c.name)}`);
  if (def.files.length === 0) return `SELECT ${typed.join(', ')} WHERE false`;
  const partitions = new Map(def.columns.filter((c) => c.partition).map((c) => [c.name, c.type]));
  const reads = [...groupByHiveKeys(def.files.map((f) => f.path))].map(([keys, paths]) => {
    const hiveTypes = keys.filter((k) => partitions.has(k)).map((k) => `${quoteLiteral(k)}: ${quoteLiteral(partitions.get(k)!)}`);
    const hive = keys.length > 0 ? [`hive_partitioning = true`, ...(hiveTypes.length ? [`hive_types = {${hiveTypes.join(', ')}}`] : [])] : [];
    return `SELECT * FROM ${readCall(def.format, def.options, paths, hive)}`;
  });
  // The typed empty row set comes first so columns missing from every file still exist (as NULL).
  const union = [`SELECT ${typed.join(', ')} WHERE false`, ...reads].join(' UNION ALL BY NAME ');
  const projected = def.columns.map((c) =>
    c.partition ? quoteIdent(c.name) : `CAST(${quoteIdent(c.name)} AS ${c.type}) AS ${quoteIdent(c.name)}`,
  );
  return `SELECT ${projected.join(', ')} FROM (${union})`;
}

/** Column names and types DuckDB finds in the files' contents (partition folders ignored). */
export async function describeExternalFiles(
  engine: Engine,
  format: ExternalFormat,
  options: Readonly<Record<string, string>>,
  paths: readonly string[],
): Promise<{ name: string; type: string }[]> {
  const sql = `DESCRIBE SELECT * FROM ${readCall(format, options, paths, ['hive_partitioning = false'])}`;
  const rows = await runSql<{ column_name: string; column_type: string }>(engine, sql, 'crawl');
  return rows.map((r) => ({ name: r.column_name, type: r.column_type }));
}

/** The dialect DuckDB's sniffer finds in a CSV file, as reader options to record. */
export async function sniffCsvOptions(engine: Engine, path: string): Promise<Record<string, string>> {
  const rows = await runSql<{ Delimiter: string; Quote: string; Escape: string; HasHeader: boolean }>(
    engine,
    `SELECT Delimiter, Quote, Escape, HasHeader FROM sniff_csv(${quoteLiteral(path)})`,
    'crawl',
  );
  const r = rows[0];
  if (!r) return {};
  const out: Record<string, string> = { delim: r.Delimiter, header: String(r.HasHeader) };
  if (r.Quote !== '(empty)') out['quote'] = r.Quote;
  if (r.Escape !== '(empty)') out['escape'] = r.Escape;
  return out;
}

function readCall(format: ExternalFormat, options: Readonly<Record<string, string>>, paths: readonly string[], extra: string[]): string {
  const args = [quoteList(paths), 'union_by_name = true', ...extra];
  switch (format) {
    case 'csv':
    case 'tsv': {
      const delim = options['delim'] ?? (format === 'tsv' ? '\t' : undefined);
      if (delim !== undefined) args.push(`delim = ${quoteLiteral(delim)}`);
      for (const key of QUOTING_OPTIONS) if (options[key] !== undefined) args.push(`${key} = ${quoteLiteral(options[key])}`);
      if (options['header'] !== undefined) args.push(`header = ${options['header'] === 'true'}`);
      return `read_csv(${args.join(', ')})`;
    }
    case 'json':
      return `read_json(${[...args, `format = 'auto'`].join(', ')})`;
    case 'parquet':
      return `read_parquet(${args.join(', ')})`;
  }
}

/** Files by the set of `k=v` folder keys in their path, the way DuckDB's hive reader sees them. */
function groupByHiveKeys(paths: readonly string[]): Map<string[], string[]> {
  const byKey = new Map<string, { keys: string[]; paths: string[] }>();
  for (const p of paths) {
    const keys = p
      .split(/[\\/]/)
      .slice(0, -1)
      .map((s) => HIVE_SEGMENT.exec(s)?.[1])
      .filter((k): k is string => k !== undefined);
    const id = keys.join('/');
    const group = byKey.get(id) ?? { keys, paths: [] };
    group.paths.push(p);
    byKey.set(id, group);
  }
  return new Map([...byKey.values()].map((g) => [g.keys, g.paths]));
}
