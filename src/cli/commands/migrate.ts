import type { Command } from 'commander';
import { moveCatalog } from '../../project/index.js';
import { findProjectDir } from '../../config/index.js';
import { action, out } from '../context.js';
import { textTable } from '../render.js';

export function register(program: Command): void {
  program
    .command('migrate')
    .description("move the project's metadata store to PostgreSQL (an empty database), then point silt.yaml at it")
    .requiredOption('--catalog <uri>', 'the PostgreSQL database to move to: postgres://user@host:port/database (password from PGPASSWORD or ~/.pgpass)')
    .action(
      action(async function (this: Command, opts: { catalog: string }) {
        const dir = findProjectDir(process.cwd(), this.optsWithGlobals<{ project?: string }>().project);
        const r = await moveCatalog(dir, opts.catalog);
        const rows = Object.entries(r.moved).filter(([, n]) => n > 0);
        out(textTable(['table', 'rows'], rows.map(([t, n]) => [t, n.toLocaleString('en-US')])));
        out(`moved the metadata store from ${r.from} to ${r.to}; silt.yaml's catalog now names it`);
        out(`${r.from} is left as it was; remove it once you no longer need it`);
      }),
    );
}
