import type { Command } from 'commander';
import { InvalidInput } from '../../errors.js';
import type { FileFormat } from '../../engine/index.js';
import { loadFiles, loadColumnHints } from '../../ingest/index.js';
import { action, inProject, out } from '../context.js';
import { formatBytes, Progress } from '../progress.js';

const FORMATS = ['csv', 'tsv', 'json', 'ndjson', 'parquet'];

export function register(program: Command): void {
  program
    .command('load')
    .description('load files (CSV, TSV, JSON, NDJSON, Parquet; gzip/zstd) into a table, in one commit')
    .argument('<files...>')
    .requiredOption('--into <table>', 'namespace.table; created with an inferred schema if it does not exist')
    .option('--partition-by <spec>', 'partitioning of a new table, e.g. "day(ts), bucket(16, id)"')
    .option('--format <format>', `input format (${FORMATS.join(', ')}); default: by file extension`)
    .option('--delimiter <char>', 'CSV field delimiter; default: detected')
    .option('--max-rejects <n>', 'load the good rows if at most N lines are malformed, and list the bad ones', '0')
    .option('--types <col=TYPE,...>', 'CSV/TSV column types, e.g. shipped_at=timestamp,amount=decimal(12,2); values that do not fit are rejects')
    .option('--timestamp-format <format>', "CSV/TSV timestamps' strptime format, e.g. '%d/%m/%Y %H:%M'")
    .option('--date-format <format>', "CSV/TSV dates' strptime format, e.g. '%d/%m/%Y'")
    .option('--nulls <tokens>', "CSV/TSV values read as NULL, comma-separated, e.g. 'NA,TBD,-'")
    .option('--schema <file>', 'YAML or JSON file with columns (name: type), timestamp_format, date_format and nulls')
    .option('--evolve', 'add the files\' new columns to an existing table even when most of their columns are new')
    .action(
      action(async function (
        this: Command,
        files: string[],
        opts: {
          into: string;
          partitionBy?: string;
          format?: string;
          delimiter?: string;
          maxRejects: string;
          types?: string;
          timestampFormat?: string;
          dateFormat?: string;
          nulls?: string;
          schema?: string;
          evolve?: boolean;
        },
      ) {
        if (opts.format && !FORMATS.includes(opts.format)) {
          throw new InvalidInput(`load: unknown --format ${JSON.stringify(opts.format)}; expected one of ${FORMATS.join(', ')}`);
        }
        const maxRejects = Number(opts.maxRejects);
        if (!Number.isInteger(maxRejects) || maxRejects < 0) {
          throw new InvalidInput(`load: --max-rejects must be a whole number, found ${JSON.stringify(opts.maxRejects)}`);
        }
        const columns = await loadColumnHints(opts);
        const progress = new Progress('loading');
        const result = await inProject(this, async (p) => {
          const engine = await p.openEngine();
          try {
            return await loadFiles(p.catalog, engine, files, {
              into: opts.into,
              partitionBy: opts.partitionBy,
              format: opts.format as FileFormat | undefined,
              delimiter: opts.delimiter,
              maxRejects,
              columns,
              evolve: opts.evolve,
              onProgress: (x) => progress.update(x),
            });
          } finally {
            progress.done();
            engine.close();
          }
        });
        for (const w of result.warnings) process.stderr.write(`silt: warning: ${w}\n`);
        for (const r of result.rejects) {
          process.stderr.write(`silt: rejected ${r.file}${r.line !== null ? ` line ${r.line}` : ''}: ${r.error}\n`);
        }
        const parts = [
          `${result.created ? 'created' : 'loaded into'} ${result.table}: ${result.rowsWritten.toLocaleString('en-US')} rows`,
          `${result.dataFiles} data files, ${formatBytes(result.bytesWritten)}`,
          `read ${formatBytes(result.bytesRead)} in ${(progress.elapsedMs() / 1000).toFixed(1)} s`,
        ];
        if (result.rejects.length) parts.push(`${result.rejects.length} lines rejected`);
        if (result.addedColumns.length) parts.push(`new columns: ${result.addedColumns.join(', ')}`);
        if (result.snapshotId !== undefined) parts.push(`snapshot ${result.snapshotId}`);
        out(parts.join('; '));
      }),
    );
}
