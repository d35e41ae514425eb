/**
 * `silt cost`: measured quantities (bytes listed in the store, bytes scanned from the audit log,
 * seconds from the run records) priced twice: as Silt runs them, and as the seeds' AWS stack
 * would (S3, Athena, Glue, Lambda). Every priced line carries its quantity, unit, price and where
 * the quantity came from; each total is the sum of its lines.
 */
import type { Project } from '../project/index.js';
import { computeUsage, type RunTime, type StepTime } from './compute-usage.js';
import { projectPrices, type Prices } from './prices.js';
import { queryUsage, type WorkgroupScan } from './query-usage.js';
import { storageUsage, type StorageGroup } from './storage-usage.js';
import { tableFacts, type TableFacts } from './table-facts.js';

export const GIB = 2 ** 30;
export const TIB = 2 ** 40;
export const MIB = 2 ** 20;
/** AWS bills storage by the GB-month; a month is taken as 30 days. */
export const DAYS_PER_MONTH = 30;

export interface CostLine {
  item: string;
  product: string;
  quantity: number;
  unit: string;
  /** Per unit of `quantity`. */
  price: number;
  cost: number;
  source: string;
}

export interface CostSection {
  lines: CostLine[];
  total: number;
}

export interface CostReport {
  sinceMs: number;
  untilMs: number;
  days: number;
  currency: string;
  prices: 'silt.yaml' | 'defaults';
  storage: StorageGroup[];
  queries: WorkgroupScan[];
  steps: StepTime[];
  runs: RunTime[];
  silt: CostSection;
  aws: CostSection;
  savings: CostSection;
}

/** What the lakehouse cost from `sinceMs` to now, and what the AWS stack would have. */
export async function costReport(project: Project, sinceMs: number, nowMs = Date.now()): Promise<CostReport> {
  const { prices, declared } = projectPrices(project.config);
  const facts = await tableFacts(project.catalog);
  const storage = await storageUsage(project.store, facts, project.config, sinceMs);
  const queries = await queryUsage(project.catalog, project.governance.workgroups, sinceMs, prices.athena.min_mb_per_query * MIB);
  const compute = await computeUsage(project.catalog, sinceMs, prices.glue.min_seconds);
  const days = (nowMs - sinceMs) / 86_400_000;
  const since = new Date(sinceMs).toISOString();
  const ctx: Ctx = { prices, months: days / DAYS_PER_MONTH, since, days, s3: /^s3:\/\//i.test(project.config.storageLocation) };
  return {
    sinceMs,
    untilMs: nowMs,
    days,
    currency: prices.currency,
    prices: declared ? 'silt.yaml' : 'defaults',
    storage: storage.groups,
    queries: queries.workgroups,
    steps: compute.steps,
    runs: compute.runs,
    silt: section([...storageLines(ctx, storage.groups, storage.listed, 'silt'), siltCompute(ctx, compute.runs)]),
    aws: section([
      ...storageLines(ctx, storage.groups, storage.listed, 'aws'),
      putLine(ctx, storage.groups, storage.listed),
      ...queries.workgroups.map((w) => athenaLine(ctx, w)),
      ...compute.steps.map((s) => glueLine(ctx, s)),
      ...lambdaLines(ctx, compute.runs.length),
    ]),
    savings: section([compactionSaving(ctx, facts, queries.statements), tieringSaving(ctx, storage.groups), pruningSaving(ctx, facts, queries.statements)]),
  };
}

interface Ctx {
  prices: Prices;
  months: number;
  days: number;
  since: string;
  /** The lake is an S3 bucket: Silt's own storage is billed as S3. */
  s3: boolean;
}

/** Costs rounded to a millionth, and the total the sum of those rounded costs. */
function section(lines: CostLine[]): CostSection {
  return { lines, total: round(lines.reduce((n, l) => n + l.cost, 0)) };
}

function line(l: Omit<CostLine, 'cost'>): CostLine {
  return { ...l, cost: round(l.quantity * l.price) };
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

const S3_CLASS: Record<Prices['s3']['archive_class'] | 'standard', string> = {
  standard: 'S3 Standard',
  standard_ia: 'S3 Standard-IA',
  glacier: 'S3 Glacier Flexible Retrieval',
  deep_archive: 'S3 Glacier Deep Archive',
};

/** One line per layer and tier: bytes listed, held for the period. */
function storageLines(ctx: Ctx, groups: readonly StorageGroup[], listed: number, stack: 'silt' | 'aws'): CostLine[] {
  const byLayer = new Map<string, { layer: string; tier: string; objects: number; bytes: number }>();
  for (const g of groups) {
    const k = `${g.layer}\u0000${g.tier}`;
    const x = byLayer.get(k) ?? { layer: g.layer, tier: g.tier, objects: 0, bytes: 0 };
    x.objects += g.objects;
    x.bytes += g.bytes;
    byLayer.set(k, x);
  }
  return [...byLayer.values()].map((x) => {
    const cls = x.tier === 'archive' ? ctx.prices.s3.archive_class : 'standard';
    const onS3 = stack === 'aws' || ctx.s3;
    return line({
      item: `storage ${x.layer} ${x.tier}`,
      product: onS3 ? S3_CLASS[cls] : 'Silt disk',
      quantity: (x.bytes / GIB) * ctx.months,
      unit: 'GiB-month',
      price: onS3 ? ctx.prices.s3[cls] : ctx.prices.silt.disk_gb_month,
      source: `listed ${x.objects} objects (${x.bytes} bytes) of ${listed} in the store, layer ${x.layer}, tier ${x.tier}, held ${fixed(ctx.days)} days`,
    });
  });
}

function siltCompute(ctx: Ctx, runs: readonly RunTime[]): CostLine {
  const seconds = runs.reduce((n, r) => n + r.seconds, 0);
  return line({
    item: 'compute runs',
    product: 'Silt machine',
    quantity: seconds / 3600,
    unit: 'hour',
    price: ctx.prices.silt.machine_hour,
    source: `sum of durations of ${runs.length} finished runs since ${ctx.since}: ${fixed(seconds)} s (run records)`,
  });
}

function putLine(ctx: Ctx, groups: readonly StorageGroup[], listed: number): CostLine {
  const written = groups.reduce((n, g) => n + g.written, 0);
  return line({
    item: 'requests put',
    product: 'S3 PUT requests',
    quantity: written / 1000,
    unit: '1,000 requests',
    price: ctx.prices.s3.put_per_1000,
    source: `${written} of ${listed} listed objects were written (modified) since ${ctx.since}`,
  });
}

function athenaLine(ctx: Ctx, w: WorkgroupScan): CostLine {
  const min = ctx.prices.athena.min_mb_per_query;
  return line({
    item: `queries workgroup ${w.workgroup}`,
    product: 'Athena',
    quantity: w.billedBytes / TIB,
    unit: 'TiB scanned',
    price: ctx.prices.athena.per_tb,
    source: `sum of max(bytes_scanned, ${min} MiB) of ${w.queries} statements since ${ctx.since} (audit log; ${w.bytesScanned} bytes scanned, ${w.billedBytes} billed)`,
  });
}

function glueLine(ctx: Ctx, s: StepTime): CostLine {
  const { dpus, min_seconds: min, per_dpu_hour } = ctx.prices.glue;
  return line({
    item: `step ${s.step}`,
    product: 'AWS Glue job',
    quantity: (s.billedSeconds * dpus) / 3600,
    unit: 'DPU-hour',
    price: per_dpu_hour,
    source: `${s.runs} runs of step ${s.step} since ${ctx.since}: ${fixed(s.seconds)} s (run records), billed ${fixed(s.billedSeconds)} s at ${min} s minimum per run, × ${dpus} DPU; read ${s.bytesScanned} bytes, wrote ${s.bytesWritten}`,
  });
}

/** The function that starts each run on the AWS stack: one request per run. */
function lambdaLines(ctx: Ctx, runs: number): CostLine[] {
  const l = ctx.prices.lambda;
  return [
    line({
      item: 'triggers requests',
      product: 'AWS Lambda requests',
      quantity: runs / 1e6,
      unit: 'million requests',
      price: l.per_million_requests,
      source: `${runs} runs since ${ctx.since} (run records), one invocation each`,
    }),
    line({
      item: 'triggers duration',
      product: 'AWS Lambda duration',
      quantity: runs * l.memory_gb * l.seconds_per_request,
      unit: 'GB-second',
      price: l.per_gb_second,
      source: `${runs} invocations × ${l.memory_gb} GB × ${l.seconds_per_request} s (prices.lambda: the function's size, assumed)`,
    }),
  ];
}

/** Statements that read each table. */
function readsOf(statements: readonly { tables: readonly string[] }[]): Map<string, number> {
  const reads = new Map<string, number>();
  for (const s of statements) for (const t of new Set(s.tables.map((x) => x.toLowerCase()))) reads.set(t, (reads.get(t) ?? 0) + 1);
  return reads;
}

/** Fewer GET requests: a scan reads each data file once, and compaction leaves bytes / target files. */
function compactionSaving(ctx: Ctx, facts: readonly TableFacts[], statements: readonly { tables: readonly string[] }[]): CostLine {
  const target = ctx.prices.compaction_target_mb * MIB;
  const reads = readsOf(statements);
  let saved = 0;
  let files = 0;
  let compacted = 0;
  let tables = 0;
  for (const t of facts) {
    const n = reads.get(t.table.toLowerCase()) ?? 0;
    if (n === 0 || t.dataFiles === 0) continue;
    const after = Math.max(1, Math.ceil(t.dataBytes / target));
    tables += 1;
    files += t.dataFiles;
    compacted += after;
    saved += Math.max(0, t.dataFiles - after) * n;
  }
  return line({
    item: 'compaction',
    product: 'S3 GET requests',
    quantity: saved / 1000,
    unit: '1,000 requests',
    price: ctx.prices.s3.get_per_1000,
    source: `${tables} tables read since ${ctx.since} hold ${files} data files, at ${ctx.prices.compaction_target_mb} MiB a file ${compacted}: ${saved} GET requests fewer (Σ files saved × statements reading the table)`,
  });
}

function tieringSaving(ctx: Ctx, groups: readonly StorageGroup[]): CostLine {
  const archived = groups.filter((g) => g.tier === 'archive');
  const bytes = archived.reduce((n, g) => n + g.bytes, 0);
  const cls = ctx.prices.s3.archive_class;
  return line({
    item: 'tiering',
    product: `${S3_CLASS.standard} → ${S3_CLASS[cls]}`,
    quantity: (bytes / GIB) * ctx.months,
    unit: 'GiB-month',
    price: round(ctx.prices.s3.standard - ctx.prices.s3[cls]),
    source: `listed ${archived.reduce((n, g) => n + g.objects, 0)} objects (${bytes} bytes) under archive locations, held ${fixed(ctx.days)} days`,
  });
}

/** Bytes a statement did not read: its tables' current data bytes less what it scanned. */
function pruningSaving(ctx: Ctx, facts: readonly TableFacts[], statements: readonly { tables: readonly string[]; bytesScanned: number | null }[]): CostLine {
  const bytesOf = new Map(facts.map((t) => [t.table.toLowerCase(), t.dataBytes]));
  let whole = 0;
  let scanned = 0;
  let skipped = 0;
  for (const s of statements) {
    const all = [...new Set(s.tables.map((t) => t.toLowerCase()))].reduce((n, t) => n + (bytesOf.get(t) ?? 0), 0);
    whole += all;
    scanned += s.bytesScanned ?? 0;
    skipped += Math.max(0, all - (s.bytesScanned ?? 0));
  }
  return line({
    item: 'partition pruning',
    product: 'Athena',
    quantity: skipped / TIB,
    unit: 'TiB not scanned',
    price: ctx.prices.athena.per_tb,
    source: `${statements.length} statements since ${ctx.since} scanned ${scanned} bytes of the ${whole} bytes their tables hold now (audit log, current snapshots)`,
  });
}

function fixed(n: number): string {
  return n.toFixed(n >= 100 ? 0 : 1);
}
