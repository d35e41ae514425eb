import type { Command } from 'commander';
import { InvalidInput } from '../../errors.js';
import { scanTablePii, validateTable, validationFailure, type PiiScan, type Validation } from '../../pipeline/index.js';
import { action, inProject, out, positiveWhole } from '../context.js';
import { textTable } from '../render.js';

const FORMATS = ['table', 'json'];

export function register(program: Command): void {
  program
    .command('validate')
    .description("run a table's expectations (its silver contract's or gold model's) over the rows it holds, without a run; exit 5 when a fail rule fails")
    .argument('<table>', 'namespace.table, e.g. silver.orders')
    .option('--format <format>', 'table or json', 'table')
    .action(
      action(async function (this: Command, table: string, opts: { format: string }) {
        format('validate', opts.format);
        const v = await inProject(this, (p) => validateTable(p, table));
        out(opts.format === 'json' ? JSON.stringify(v, null, 2) : validationText(v));
        const failure = validationFailure(v);
        if (failure) throw failure;
      }),
    );

  const pii = program.command('pii').description('personal data in tables');
  pii
    .command('scan')
    .description('which columns of a table hold PII (email, phone, card number, national id, name, address), judged on a sample of its rows')
    .argument('<table>', 'namespace.table, e.g. bronze.customers')
    .option('--sample <n>', 'rows sampled', '1000')
    .option('--format <format>', 'table or json', 'table')
    .action(
      action(async function (this: Command, table: string, opts: { sample: string; format: string }) {
        format('pii scan', opts.format);
        const sample = positiveWhole('pii scan', '--sample', opts.sample);
        const scan = await inProject(this, (p) => scanTablePii(p, table, sample));
        out(opts.format === 'json' ? JSON.stringify(scan, null, 2) : piiText(scan));
      }),
    );
}

function format(command: string, f: string): void {
  if (!FORMATS.includes(f)) throw new InvalidInput(`${command}: --format must be ${FORMATS.join(' or ')}, found ${JSON.stringify(f)}`);
}

function validationText(v: Validation): string {
  const at = v.snapshotId === undefined ? 'no snapshot yet' : `snapshot ${v.snapshotId}`;
  if (v.declaredIn === undefined) return `${v.table}: no expectations declared (silver contracts in silt.yaml and gold model headers declare them); ${v.rows} rows at ${at}`;
  const failed = v.rules.filter((r) => r.result === 'fail').length;
  const head = `${v.table}: ${v.rules.length} rule${v.rules.length === 1 ? '' : 's'} from ${v.declaredIn} over ${v.rows} rows at ${at}: ${v.rules.length - failed} passed or skipped, ${failed} failed`;
  const rows = v.rules.map((r) => [r.label, r.policy, r.result, String(r.failing_rows), r.note ?? r.sample.slice(0, 3).join(', ')]);
  return `${head}\n${textTable(['rule', 'policy', 'result', 'failing_rows', 'sample'], rows)}`;
}

function piiText(s: PiiScan): string {
  const found = s.columns.filter((c) => c.detected !== undefined);
  const head = `${s.table}: ${s.sampleRows} rows sampled, ${found.length} of ${s.columns.length} columns scanned hold PII`;
  const rows = s.columns.map((c) => [c.column, c.detected ?? '-', String(c.sampled), String(c.matches), c.kind ?? '', (c.matchRatio * 100).toFixed(0) + '%']);
  return `${head}\n${textTable(['column', 'detected', 'values_sampled', 'matching', 'closest_kind', 'share'], rows)}`;
}
