import { z } from 'zod';
import { didYouMean, PROJECT_FILE, type ProjectConfig } from '../config/index.js';
import { InvalidInput, NotFound } from '../errors.js';

const NAME = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'a name of letters, digits, _ or -, starting with a letter');
const ENV_NAME = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'the name of an environment variable');
const URL_TEXT = z.string().regex(/^postgres(ql)?:\/\/[^/\s]+\/[^/\s?]+(\?\S*)?$/i, 'a postgres://user@host:port/database URL');
const IDENT = '[A-Za-z_][A-Za-z0-9_]*';

/**
 * A warehouse that speaks PostgreSQL's protocol (PostgreSQL itself, or Redshift). The password
 * never sits in silt.yaml: from `password_env`, else PGPASSWORD or ~/.pgpass as for psql.
 */
const targetSchema = z.union([
  URL_TEXT.transform((url) => ({ url, password_env: undefined as string | undefined })),
  z.strictObject({ url: URL_TEXT, password_env: ENV_NAME.optional() }),
]);

const exportSchema = z.strictObject({
  /** Any table of the lakehouse, usually a gold one. */
  source: z.string().regex(new RegExp(`^${IDENT}\\.${IDENT}$`), 'a table as namespace.name'),
  /** The name of a target under `exports.targets` (may be left out when there is one). */
  target: NAME.optional(),
  /** The table in the warehouse, schema.table. */
  table: z.string().regex(new RegExp(`^${IDENT}\\.${IDENT}$`), 'a table as schema.table'),
  /** Columns that identify a row: changed rows are upserted by them, gone ones deleted. */
  key: z.union([z.string().min(1).transform((k) => [k]), z.array(z.string().min(1)).min(1)]).optional(),
  mode: z.enum(['incremental', 'full']).default('incremental'),
});

export const exportsSectionSchema = z
  .strictObject({
    targets: z.record(NAME, targetSchema),
    tables: z.record(NAME, exportSchema).default({}),
  })
  .superRefine((s, ctx) => {
    const targets = Object.keys(s.targets);
    for (const [name, e] of Object.entries(s.tables)) {
      if (e.target === undefined ? targets.length !== 1 : !targets.includes(e.target)) {
        ctx.addIssue({ code: 'custom', path: ['tables', name, 'target'], message: `one of the targets under exports.targets (${targets.join(', ') || 'none declared'})` });
      }
    }
  });

export interface ExportTarget {
  readonly name: string;
  readonly url: string;
  readonly passwordEnv: string | undefined;
}

export interface ExportSpec {
  readonly name: string;
  readonly source: string;
  readonly target: ExportTarget;
  readonly table: { readonly schema: string; readonly name: string };
  readonly key: readonly string[];
  readonly mode: 'incremental' | 'full';
}

/** The exports silt.yaml declares, in its order. */
export function projectExports(config: ProjectConfig): ExportSpec[] {
  const section = config.section('exports', exportsSectionSchema);
  if (!section) return [];
  const targets = Object.entries(section.targets).map(([name, t]) => ({ name, url: t.url, passwordEnv: t.password_env }));
  return Object.entries(section.tables).map(([name, e]) => {
    const [schema, table] = e.table.split('.') as [string, string];
    return {
      name,
      source: e.source,
      target: targets.find((t) => t.name === (e.target ?? targets[0]!.name))!,
      table: { schema, name: table },
      key: e.key ?? [],
      mode: e.mode,
    };
  });
}

/** The exports named (all, when none is), each name checked against those declared. */
export function selectExports(all: readonly ExportSpec[], names: readonly string[]): ExportSpec[] {
  if (all.length === 0) {
    throw new InvalidInput(`export: ${PROJECT_FILE} declares no exports; add an \`exports:\` section with targets and tables (see README)`);
  }
  if (names.length === 0) return [...all];
  const known = all.map((e) => e.name);
  return names.map((n) => {
    const found = all.find((e) => e.name === n);
    if (found) return found;
    const hint = didYouMean(n, known);
    throw new NotFound(`export: no export named ${n} in ${PROJECT_FILE} exports.tables${hint ? ` (did you mean ${hint}?)` : ''}; declared: ${known.join(', ')}`);
  });
}
