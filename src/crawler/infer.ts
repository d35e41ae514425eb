/** Schemas by sampling: DuckDB reads a few of a dataset's files and says what columns they hold. */
import { InvalidInput } from '../errors.js';
import { describeExternalFiles, sniffCsvOptions, type Engine, type ExternalFormat } from '../engine/index.js';

export const SAMPLE_FILES = 10;

interface Sampleable {
  size: number;
  modifiedMs: number;
}

/** Up to `n` files: the smallest half (cheap to read) and the newest (most likely to carry changes). */
export function pickSample<T extends Sampleable>(files: readonly T[], n = SAMPLE_FILES): T[] {
  const nonEmpty = files.filter((f) => f.size > 0);
  if (nonEmpty.length <= n) return [...nonEmpty];
  const picked = new Set<T>([...nonEmpty].sort((a, b) => a.size - b.size).slice(0, Math.ceil(n / 2)));
  for (const f of [...nonEmpty].sort((a, b) => b.modifiedMs - a.modifiedMs)) {
    if (picked.size >= n) break;
    picked.add(f);
  }
  return [...picked];
}

/** Reader options to record for a new table: the CSV dialect of its first sampled file. */
export async function readerOptions(engine: Engine, format: ExternalFormat, firstFile: string): Promise<Record<string, string>> {
  if (format !== 'csv' && format !== 'tsv') return {};
  const options = await sniffCsvOptions(engine, firstFile).catch((e: unknown) => {
    throw fileError(firstFile, format, e);
  });
  return format === 'tsv' ? { ...options, delim: '\t' } : options;
}

/** The columns in the files' contents; an unreadable file fails with its path named. */
export async function inferColumns(
  engine: Engine,
  format: ExternalFormat,
  options: Readonly<Record<string, string>>,
  paths: readonly string[],
): Promise<{ name: string; type: string }[]> {
  try {
    return await describeExternalFiles(engine, format, options, paths);
  } catch (e) {
    // Find the file to blame, so the message points at something the user can open.
    for (const p of paths) {
      try {
        await describeExternalFiles(engine, format, options, [p]);
      } catch (one) {
        throw fileError(p, format, one);
      }
    }
    throw new InvalidInput(`crawl: the sampled files cannot be read together (${paths.join(', ')}): ${reason(e)}`);
  }
}

function fileError(path: string, format: ExternalFormat, e: unknown): InvalidInput {
  return new InvalidInput(`crawl: ${path}: cannot read it as ${format.toUpperCase()}: ${reason(e)}`);
}

function reason(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n')[0]!.replace(/^crawl: /, '');
}
