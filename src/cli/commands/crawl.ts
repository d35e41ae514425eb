import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { crawl, DEFAULT_NAMESPACE, type CrawledTable, type CrawlReport, type CrawlTarget } from '../../crawler/index.js';
import { LocalStore } from '../../storage/index.js';
import type { Project } from '../../project/index.js';
import { action, inProject, out, positiveWhole } from '../context.js';
import { EXIT } from '../errors.js';
import { textTable } from '../render.js';

export function register(program: Command): void {
  program
    .command('crawl')
    .description('find datasets (CSV, TSV, JSON, NDJSON, Parquet; hive k=v partitions) under a folder and register them as read-only tables')
    .argument('<path>', 'a local folder, or a folder of the project store such as landing/orders')
    .option('--into <namespace>', 'namespace of the tables', DEFAULT_NAMESPACE)
    .option('--sample <n>', 'files read per table to infer its schema', '10')
    .option('--verbose', 'list the entries skipped as not data')
    .action(
      action(async function (this: Command, target: string, opts: { into: string; sample: string; verbose?: boolean }) {
        const sampleFiles = positiveWhole('crawl', '--sample', opts.sample);
        const report = await inProject(this, async (p) => {
          const engine = await p.openEngine();
          try {
            return await crawl(p.catalog, engine, await folderOf(p, target), { namespace: opts.into, sampleFiles });
          } finally {
            engine.close();
          }
        });
        out(summary(report, opts.verbose ?? false));
        const failed = report.tables.filter((t) => t.status === 'failed');
        for (const t of failed) process.stderr.write(`silt: ${t.error ?? `crawl: ${t.namespace}.${t.name} failed`}\n`);
        if (failed.length) process.exitCode = EXIT.invalid;
      }),
    );
}

/**
 * The folder as given (relative to the working directory; a file argument, read through a store
 * rooted there), else the folder of that name in the project's store.
 */
async function folderOf(p: Project, target: string): Promise<CrawlTarget> {
  const dir = path.resolve(target);
  const local: CrawlTarget = { store: new LocalStore(dir), prefix: '' };
  if (existsSync(dir) || path.isAbsolute(target)) return local;
  const prefix = target.replace(/\\/g, '/').replace(/^\.\/|\/+$/g, '');
  try {
    return (await p.store.list(`${prefix}/`)).length > 0 ? { store: p.store, prefix } : local;
  } catch {
    return local;
  }
}

function summary(r: CrawlReport, verbose: boolean): string {
  const count = (s: CrawledTable['status']): number => r.tables.filter((t) => t.status === s).length;
  const lines = [
    `crawled ${r.path} into ${r.namespace}: ${count('created')} created, ${count('updated')} updated, ${count('unchanged')} unchanged, ${count('failed')} failed`,
  ];
  if (r.tables.length) {
    lines.push(
      '',
      textTable(
        ['table', 'status', 'format', 'files', 'partitions', 'schema'],
        r.tables.map((t) => [
          `${t.namespace}.${t.name}`,
          t.status,
          t.format,
          `${t.files}${deltas([t.filesAdded, '+'], [t.filesChanged, '~'], [t.filesRemoved, '-'])}`,
          `${t.partitions}${deltas([t.partitionsAdded, '+'])}`,
          t.schemaVersion ? `v${t.schemaVersion}` : '',
        ]),
      ).trimEnd(),
    );
  }
  for (const t of r.tables) {
    if (t.schemaChanges.length === 0) continue;
    const changes = t.schemaChanges.map((c) => (c.kind === 'added' ? `added ${c.column} ${c.to}` : `widened ${c.column} ${c.from} -> ${c.to}`));
    lines.push(`${t.namespace}.${t.name} schema v${t.schemaVersion}: ${changes.join('; ')}`);
  }
  if (r.skipped.length) {
    lines.push(`skipped ${r.skipped.length} entr${r.skipped.length === 1 ? 'y' : 'ies'} that are not data${verbose ? ':' : ' (--verbose lists them)'}`);
    if (verbose) lines.push(...r.skipped.map((s) => `  ${s.path}: ${s.reason}`));
  }
  return lines.join('\n');
}

/** ` (+2 ~1 -1)`: added, changed and removed since the last crawl. */
function deltas(...counts: [number, string][]): string {
  const parts = counts.filter(([n]) => n > 0).map(([n, sign]) => `${sign}${n}`);
  return parts.length ? ` (${parts.join(' ')})` : '';
}
