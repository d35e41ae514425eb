import os from 'node:os';
import { parseArgs } from 'node:util';

export const BENCHES = ['load', 'query', 'all', 'profile'] as const;
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
}

const DEFAULT_MEMORY = '4GB';
const USAGE = 'usage: bench/run.sh <load|query|all|profile> [--rows N] [--runs N] [--threads N] [--memory 4GB] [--fresh]';

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
    rows: positiveInt('--rows', values.rows ?? '10000000'),
    runs: values.runs === undefined ? undefined : positiveInt('--runs', values.runs),
    threads: positiveInt('--threads', values.threads ?? String(os.availableParallelism())),
    memoryLimit: memory,
    fresh: values.fresh ?? false,
  };
}

function positiveInt(flag: string, text: string): number {
  const n = Number(text.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < 1) throw new Error(`bench: ${flag} must be a positive whole number, found ${JSON.stringify(text)}`);
  return n;
}
