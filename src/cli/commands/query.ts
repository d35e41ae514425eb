import { accessSync, constants, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { InvalidInput } from '../../errors.js';
import { bindParameters, OWNER, parseParameters, SqlSession, type QueryResult } from '../../engine/index.js';
import { authenticate, isAccessStatement, projectGrants, runAccessStatement } from '../../governance/index.js';
import { action, inProject, out, positiveWhole } from '../context.js';
import { render, type OutputFormat } from '../render.js';
import { queryOnServer, runningServer } from '../query-client.js';

const FORMATS = ['table', 'csv', 'json', 'parquet'] as const;
type Format = (typeof FORMATS)[number];

export function register(program: Command): void {
  program
    .command('query')
    .description('run SQL over catalog tables (reads, time travel, and writes that commit once each)')
    .argument('[sql]', 'the statement; - reads it from standard input (or use --file)')
    .option('-f, --file <path>', 'read the statement from a file')
    .option('--param <name=value>', 'a value for $name (or for the n-th ?, as n=value) in the statement; repeatable', collect, [])
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'table')
    .option('--output <file>', 'write the result to a file instead of the terminal')
    .option('--max-rows <n>', 'rows shown in table format', '1000')
    .option('--stats', 'print scan statistics as one JSON line on stderr')
    .option('--local', 'run here even when `silt serve` runs for the project (SILT_NO_SERVER=1 does the same)')
    .hook('preAction', (cmd) => {
      if (cmd.args.length === 0 && cmd.opts<{ file?: string }>().file === undefined) {
        cmd.error("error: missing required argument 'sql' (or - to read it from standard input, or --file FILE)");
      }
    })
    .action(
      action(async function (this: Command, text: string | undefined, opts: QueryOptions) {
        const sql = bindParameters(statementText(text, opts.file), parseParameters(opts.param));
        const format = opts.format as Format;
        if (!FORMATS.includes(format)) {
          throw new InvalidInput(`query: unknown --format ${JSON.stringify(opts.format)}; expected one of ${FORMATS.join(', ')}`);
        }
        if (format === 'parquet' && !opts.output) throw new InvalidInput('query: --format parquet needs --output FILE');
        if (opts.output) checkOutput(opts.output);
        const maxRows = positiveWhole('query', '--max-rows', opts.maxRows);

        // A file holds every row; only the screen is limited.
        const keep = format === 'table' && !opts.output ? maxRows : Number.MAX_SAFE_INTEGER;
        const file = opts.output && format !== 'table' ? { file: opts.output, format } : undefined;
        const server = await runningServer(this.optsWithGlobals<{ project?: string }>().project, opts.local);
        const result = server
          ? await queryOnServer(server, { sql, maxRows: keep, ...(file ? { download: file } : {}) }).catch((e: unknown) => {
              throw /^(query: )?IO Error|^EACCES|^ENOENT/.test(e instanceof Error ? e.message : '') ? cannotWrite(opts.output!, e) : e;
            })
          : await inProject(this, async (p) => {
              // Working alone the CLI is the owner, unless SILT_TOKEN names another principal.
              const principal = process.env['SILT_TOKEN'] ? await authenticate(p.catalog, `Bearer ${process.env['SILT_TOKEN']}`) : OWNER;
              if (isAccessStatement(sql)) return runAccessStatement(projectGrants(p.catalog, p.config), principal, sql);
              const engine = await p.openUserSqlEngine(opts.output ? [path.resolve(opts.output)] : []);
              try {
                const session = new SqlSession(engine, p.catalog, { policy: p.accessPolicy, governor: p.governance, principal, trinoForms: true });
                if (file) {
                  return await session.copyTo(sql, path.resolve(file.file), file.format).catch((e: unknown) => {
                    throw /^(query: )?IO Error/.test(e instanceof Error ? e.message : '') ? cannotWrite(file.file, e) : e;
                  });
                }
                return await session.execute(sql, { maxRows: keep, principal });
              } finally {
                engine.close();
              }
            });
        if (opts.stats) process.stderr.write(JSON.stringify(result.stats) + '\n');
        show(result, format as OutputFormat, opts.output);
      }),
    );
}

interface QueryOptions {
  file?: string;
  param: string[];
  format: string;
  output?: string;
  maxRows: string;
  stats?: boolean;
  local?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The statement: the argument, standard input for `-`, or the --file; exactly one of them. */
function statementText(arg: string | undefined, file: string | undefined): string {
  if (arg !== undefined && file !== undefined) throw new InvalidInput('query: give the statement or --file, not both');
  if (file !== undefined) {
    try {
      return readFileSync(file, 'utf8');
    } catch (e) {
      throw new InvalidInput(`query: cannot read --file ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
  }
  if (arg === '-') return readFileSync(0, 'utf8');
  return arg!; // the preAction hook refused a query with neither
}

/** Refuses an --output that cannot be written before the query runs, rather than failing after. */
function checkOutput(output: string): void {
  const file = path.resolve(output);
  const dir = path.dirname(file);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InvalidInput(`query: --output ${output}: the folder ${dir} does not exist; create it first`);
  if (existsSync(file) && statSync(file).isDirectory()) throw new InvalidInput(`query: --output ${output} is a folder; name a file in it`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new InvalidInput(`query: --output ${output}: the folder ${dir} is not writable`);
  }
}

function cannotWrite(output: string, e: unknown): InvalidInput {
  const why = (e instanceof Error ? e.message : String(e)).replace(/^(query: )?IO Error: /, '');
  return new InvalidInput(`query: cannot write --output ${output}: ${why}`);
}

function show(result: QueryResult, format: OutputFormat, output?: string): void {
  if (result.columns.length === 0 || (output && format !== 'table')) {
    if (result.message) out(result.message);
    return;
  }
  const text = render(result.columns, result.rows, format);
  if (output) {
    try {
      writeFileSync(output, text);
    } catch (e) {
      throw cannotWrite(output, e);
    }
    return;
  }
  process.stdout.write(text);
  if (format === 'table') {
    out(footer(result));
  }
}

/** The line under a table on screen: how many rows, and how many were left out and how to see them. */
export function footer(result: Pick<QueryResult, 'rows' | 'totalRows'>): string {
  const shown = result.rows.length;
  const total = Math.max(result.totalRows, shown);
  const n = (x: number) => x.toLocaleString('en-US');
  if (total === shown) return `(${n(shown)} row${shown === 1 ? '' : 's'})`;
  return `(first ${n(shown)} of ${n(total)} rows; ${n(total - shown)} not shown: --max-rows ${total} shows them, --output FILE writes them all)`;
}
