import os from 'node:os';
import { parseArgs } from 'node:util';

export const BENCHES = ['load', 'query', 'all', 'profile', 'pipeline', 'silver', 'freshness', 'push', 'api-load', 'tpch', 'tpch-api', 'workers', 'planning', 'pipeline-s3'] as const;
export type BenchName = (typeof BENCHES)[number];

export interface BenchOptions {
  name: BenchName;
  rows: number;
  /** Overrides the runs per side (load 3, query 5) when set. */
  runs: number | undefined;
  /** DuckDB settings shared by Silt (via silt.yaml) and the peer. */
  threads: number;
  memoryLimit: string;
  /** Rebuild the cached loaded projects instead of reusing them. */
  fresh: boolean;
  /** pipeline: orders for the pandas peer, when smaller than --rows (pandas is slow and memory-hungry). */
  pandasRows: number | undefined;
  /** pipeline: orders for the Polars peer, when smaller than --rows (it holds every table in memory). */
  polarsRows: number | undefined;
  /** pipeline: skip the out-of-core run. */
  skipOoc: boolean;
  /** push: events a second, and for how long. */
  rate: number;
  seconds: number;
  /** tpch: the TPC-H scale factor. */
  sf: string;
  /** workers: landing files the rows are spread over (the first number); planning: the table sizes, in data files. */
  files: number[];
}

const DEFAULT_MEMORY = '4GB';
const USAGE =
  'usage: bench/run.sh <load|query|all|profile|pipeline|pipeline-s3|silver|freshness|push|api-load|tpch|tpch-api|workers|planning> [--rows N] [--runs N] [--threads N] [--memory 4GB] [--fresh] [--pandas-rows N] [--polars-rows N] [--skip-ooc] [--rate N] [--seconds N] [--sf 1] [--files N[,N…]]';

export function parseOptions(argv: string[]): BenchOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      rows: { type: 'string' },
      runs: { type: 'string' },
      threads: { type: 'string' },
      memory: { type: 'string' },
      fresh: { type: 'boolean' },
      'pandas-rows': { type: 'string' },
      'polars-rows': { type: 'string' },
      'skip-ooc': { type: 'boolean' },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      sf: { type: 'string' },
      files: { type: 'string' },
    },
  });
  const name = positionals[0];
  const memory = values.memory ?? DEFAULT_MEMORY;
  if (positionals.length !== 1 || !BENCHES.includes(name as BenchName)) {
    throw new Error(`bench: expected one benchmark name (${BENCHES.join(', ')}), found ${JSON.stringify(positionals)}\n${USAGE}`);
  }
  if (!/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB|%)$/i.test(memory)) {
    throw new Error(`bench: --memory expects a size such as 4GB, found ${JSON.stringify(memory)}`);
  }
  return {
    name: name as BenchName,
    // The pipeline moves ~1.7 KB of landing data per order: 1M orders while iterating, 10M on purpose.
    rows: positiveInt('--rows', values.rows ?? (name === 'pipeline' || name === 'pipeline-s3' || name === 'silver' ? '1000000' : name === 'api-load' ? '20000' : name === 'workers' ? '1200000' : '10000000')),
    runs: values.runs === undefined ? undefined : positiveInt('--runs', values.runs),
    threads: positiveInt('--threads', values.threads ?? String(os.availableParallelism())),
    memoryLimit: memory,
    fresh: values.fresh ?? false,
    pandasRows: values['pandas-rows'] === undefined ? undefined : positiveInt('--pandas-rows', values['pandas-rows']),
    polarsRows: values['polars-rows'] === undefined ? undefined : positiveInt('--polars-rows', values['polars-rows']),
    skipOoc: values['skip-ooc'] ?? false,
    rate: positiveInt('--rate', values.rate ?? '10000'),
    seconds: positiveInt('--seconds', values.seconds ?? '60'),
    sf: scaleFactor(values.sf ?? '1'),
    files: (values.files ?? (name === 'workers' ? '120' : '1000,10000,100000')).split(',').map((n) => positiveInt('--files', n)),
  };
}

function scaleFactor(text: string): string {
  if (!/^(0|[1-9]\d*)(\.\d+)?$/.test(text) || Number(text) <= 0) throw new Error(`bench: --sf must be a positive number such as 1 or 0.1, found ${JSON.stringify(text)}`);
  return text;
}

function positiveInt(flag: string, text: string): number {
  const n = Number(text.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < 1) throw new Error(`bench: ${flag} must be a positive whole number, found ${JSON.stringify(text)}`);
  return n;
}
