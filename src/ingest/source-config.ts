import { z } from 'zod';
import { pushSchema } from './push-config.js';
import { pullSchema } from './connectors/pull-config.js';
import { cronProblem } from '../config/index.js';
import { globProblem } from './landing-patterns.js';
import { archiveSchema } from './archive-config.js';

const FORMATS = ['csv', 'tsv', 'json', 'ndjson', 'parquet'] as const;
const NAME = /^[a-z_][a-z0-9_]*$/;

const globPattern = z.string().superRefine((pattern, ctx) => {
  const problem = globProblem(pattern);
  if (problem) ctx.addIssue({ code: 'custom', message: `a glob pattern: ${problem}` });
});

/**
 * One source under `sources:` in silt.yaml: a prefix of the landing zone whose files are ingested
 * into one bronze table.
 *
 * ```yaml
 * sources:
 *   orders:
 *     path: orders/          # under landing/ (default: '<name>/')
 *     format: csv            # csv|tsv|json|ndjson|parquet (default: by extension)
 *     delimiter: ','         # CSV/TSV only (default: detected)
 *     header: true           # CSV/TSV only: line 1 names the columns (default); false: column_1, …
 *     records: data          # JSON only: each document's array at this path holds the rows ({"data": [...]})
 *     include: ["*.csv"]     # only files matching one of these globs (see landing-patterns.ts)
 *     exclude: ["README*"]   # files matching any of these are skipped: neither ingested nor rejected
 *     hive_columns: false    # key=value folders (year=2026/) are bronze columns unless this is false
 *     archive: { prefix: archive/, after: 7d }   # ingested files move there (archive-config.ts)
 *     table: bronze.orders   # default: bronze.<name>
 *     push: { batch_wait: 200ms }   # HTTP pushes (POST /v1/ingest/<name>); see push-config.ts
 *     schedule: "0 * * * *"  # cron: `silt serve` runs it and what depends on it then
 *     pull: { kind: postgres, … }  # pulled by a run instead of landed; see connectors/pull-config.ts
 * ```
 */
export const sourceSchema = z.strictObject({
  path: z
    .string()
    .min(1)
    .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'a folder under landing/, without a leading / or ..')
    .optional(),
  format: z.enum(FORMATS).optional(),
  delimiter: z.string().length(1, 'one character, e.g. "," or "\\t"').optional(),
  header: z.boolean().optional(),
  records: z
    .string()
    .regex(/^(\$\.)?[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/, 'a path of keys to an array, e.g. data or $.data.items')
    .optional(),
  include: z.array(globPattern).min(1, 'at least one pattern (leave include out to take every file)').optional(),
  exclude: z.array(globPattern).optional(),
  hive_columns: z.boolean().optional(),
  archive: archiveSchema.optional(),
  table: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/, 'namespace.table in lower-case letters, digits and _')
    .optional(),
  push: pushSchema.optional(),
  pull: pullSchema.optional(),
  schedule: z
    .string()
    .superRefine((cron, ctx) => {
      const problem = cronProblem(cron);
      if (problem) ctx.addIssue({ code: 'custom', message: problem.message });
    })
    .optional(),
});

export type SourceConfig = z.output<typeof sourceSchema>;

/** The whole `sources:` section: source names are lower-case identifiers (they name the bronze table). */
export const sourcesSchema = z.record(z.string(), sourceSchema).superRefine((sources, ctx) => {
  for (const [name, source] of Object.entries(sources)) {
    if (source.records !== undefined && source.format !== undefined && source.format !== 'json' && source.format !== 'ndjson') {
      ctx.addIssue({ code: 'custom', path: [name, 'records'], message: `records only with format json or ndjson (this source is ${source.format})` });
    }
    if (source.pull !== undefined) {
      for (const k of ['format', 'delimiter', 'header', 'records', 'push'] as const) {
        if (source[k] !== undefined) ctx.addIssue({ code: 'custom', path: [name, k], message: `not with pull: a pulled source lands its rows as NDJSON itself` });
      }
    }
    if (!NAME.test(name)) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'a source name of lower-case letters, digits and _ (it names the bronze table)' });
    }
  }
  // Each source lists its own folder: a folder inside another's would be read by both.
  const prefixes = Object.entries(sources).map(([name, source]) => ({ name, prefix: landingPrefix(name, source) }));
  prefixes.forEach((inner, i) => {
    const outer = prefixes.find((o, j) => j !== i && inner.prefix.startsWith(o.prefix) && (o.prefix !== inner.prefix || j < i));
    if (!outer) return;
    const where = outer.prefix === inner.prefix ? '' : `, under ${outer.prefix}`;
    ctx.addIssue({
      code: 'custom',
      path: [inner.name, 'path'],
      message: `a folder no other source reads (source ${outer.name} reads ${inner.prefix} too${where}, so its files would be ingested twice)`,
    });
  });
});

export type SourcesConfig = z.output<typeof sourcesSchema>;

/** The JSON path of a source's `records:` (`data` → `$.data`), if it has one. */
export function recordsPath(source: SourceConfig): string | undefined {
  return source.records === undefined ? undefined : source.records.startsWith('$.') ? source.records : `$.${source.records}`;
}

/** The store prefix of a source's landing files, always ending in '/'. */
export function landingPrefix(name: string, source: SourceConfig): string {
  const rel = (source.path ?? name).replace(/^\.\//, '').replace(/\/+$/, '');
  return rel === '' || rel === '.' ? 'landing/' : `landing/${rel}/`;
}

/** The bronze table of a source and its rejects table. */
export function bronzeTables(name: string, source: SourceConfig): { namespace: string; table: string; rejects: string } {
  const [namespace, table] = (source.table ?? `bronze.${name}`).split('.') as [string, string];
  return { namespace, table, rejects: `${table}_rejects` };
}
