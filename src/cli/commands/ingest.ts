import type { Command } from 'commander';
import { PROJECT_FILE } from '../../config/index.js';
import { landingStatus } from '../../ingest/index.js';
import { ingestSelection, pipelineConfig } from '../../pipeline/index.js';
import { action, inProject, out } from '../context.js';
import { formatBytes, Progress } from '../progress.js';
import { landingListing, listFormat, renderListing, withFormat } from '../listings.js';
import { textTable } from '../render.js';
import { runExitCode, runHereOrOnServer, runReport, unclaimedNote } from './run.js';

export function register(program: Command): void {
  program
    .command('ingest')
    .description('ingest new files from the landing zone into bronze (all sources, or the named ones)')
    .argument('[sources...]')
    .option('--local', 'ingest in this process even when a `silt serve` runs for the project (as SILT_NO_SERVER=1 does)')
    .action(
      action(async function (this: Command, sources: string[], opts: { local?: boolean }) {
        const progress = new Progress('ingest');
        const done = await inProject(this, async (p) => {
          const config = pipelineConfig(p.config);
          if (Object.keys(config.sources).length === 0) return undefined;
          const select = ingestSelection(config, sources);
          return { result: await runHereOrOnServer(p, select, opts.local, progress), unclaimed: await unclaimedNote(p) };
        }).finally(() => progress.done());
        if (!done) {
          out(`ingest: nothing to do: ${PROJECT_FILE} declares no sources (declare one under \`sources:\`; \`silt demo\` makes a full example)`);
          return;
        }
        const { result, unclaimed } = done;
        out(runReport(result) + unclaimed);
        process.exitCode = runExitCode(result);
      }),
    );

  withFormat(program
    .command('landing')
    .description('what the landing zone holds: pending, requested by a running server, done, or still being written')
    .option('--all', 'list done and archived files too, those a source\'s include/exclude patterns skip, and hidden ones (.x, _x) that ingest ignores'))
    .action(
      action(async function (this: Command, opts: { all?: boolean; format: string }) {
        const format = listFormat('landing', opts.format);
        const entries = await inProject(this, (p) => landingStatus(p.catalog, pipelineConfig(p.config).sources));
        const shown = opts.all ? entries : entries.filter((e) => e.status !== 'done' && e.status !== 'archived' && e.status !== 'skipped' && e.status !== 'ignored');
        if (format !== 'table') return out(renderListing(landingListing(shown), format));
        const count = (s: string) => entries.filter((e) => e.status === s).length;
        // `requested` only where a server's watcher has asked for runs.
        const counts = ['pending', ...(count('requested') ? ['requested'] : []), 'done', ...(count('archived') ? ['archived'] : []), 'incomplete', 'unclaimed', ...(count('skipped') ? ['skipped'] : [])].map((s) => `${count(s)} ${s}`);
        if (shown.length) out(textTable(['source', 'file', 'size', 'status'], shown.map((e) => [e.source || '-', e.path, formatBytes(e.size), e.status])));
        for (const e of shown) out(`${e.path}: ${e.detail}`);
        out(`landing: ${counts.join(', ')}`);
      }),
    );
}
