import type { Command } from 'commander';
import { InvalidInput } from '../../errors.js';
import { SqlSession } from '../../engine/index.js';
import { createDemoProject, demoSummary, placeDemo } from '../../demo/index.js';
import { runPipeline } from '../../pipeline/index.js';
import { withProject } from '../../project/index.js';
import { action, out, positiveWhole } from '../context.js';
import { formatBytes, Progress } from '../progress.js';
import { textTable } from '../render.js';
import { runReport } from './run.js';

export function register(program: Command): void {
  program
    .command('demo')
    .description('create a demo project with realistic messy data, run the whole pipeline, and summarize')
    .option('--dir <dir>', 'folder for the demo project', 'silt-demo')
    .option('--rows <n>', 'orders to generate (customers, payments, sensor readings and events scale with it; default: SILT_DEMO_ROWS, else 10000)', process.env['SILT_DEMO_ROWS'] || '10000')
    .option('--seed <n>', 'random seed; the same seed gives the same data', '42')
    .option('--force', 'replace an existing demo project in --dir')
    .option('--storage <location>', 'keep the lake there instead of ./lake, e.g. s3://bucket/prefix (the endpoint from AWS_ENDPOINT_URL_S3); `silt dev up` exports SILT_DEV_STORAGE')
    .option('--catalog <uri>', 'keep the metadata store there, e.g. postgres://user@host:port/db (an empty database); `silt dev up` exports SILT_DEV_CATALOG')
    .action(
      action(async function (this: Command, opts: { dir: string; rows: string; seed: string; force?: boolean; storage?: string; catalog?: string }) {
        const rows = positiveWhole('demo', '--rows', opts.rows);
        const seed = Number(opts.seed);
        if (!Number.isInteger(seed)) throw new InvalidInput(`demo: --seed must be a whole number, found ${JSON.stringify(opts.seed)}`);

        const gen = new Progress('generating');
        const demo = await createDemoProject(opts.dir, { rows, seed, force: opts.force, onProgress: (p) => gen.update(p) }).finally(() => gen.done());
        if (opts.storage || opts.catalog) await placeDemo(demo.dir, { storage: opts.storage, catalog: opts.catalog });
        out(`demo project: ${demo.dir}${opts.storage ? `, lake in ${opts.storage}` : ''}${opts.catalog ? `, catalog in ${opts.catalog.replace(/\/\/[^@/]*@/, '//')}` : ''}`);
        out(`generated ${demo.files} raw files (${formatBytes(demo.bytes)}) in lake/landing/ in ${(gen.elapsedMs() / 1000).toFixed(1)} s`);

        const progress = new Progress('pipeline');
        await withProject({ projectDir: demo.dir }, async (p) => {
          const result = await runPipeline(p, { trigger: 'demo', onProgress: (m) => progress.note(m) }).finally(() => progress.done());
          out('');
          out(runReport(result));
          const engine = await p.openEngine();
          try {
            const s = await demoSummary(p.catalog, new SqlSession(engine, p.catalog));
            out('');
            out(textTable(['table', 'rows', 'files'], s.tables.map((t) => [t.table, t.rows.toLocaleString('en-US'), String(t.files)])));
            if (s.quarantine.length) {
              out(textTable(['quarantine', 'rule', 'rows'], s.quarantine.map((q) => [q.table, q.rule, q.rows.toLocaleString('en-US')])));
            }
            if (s.rejects.length) out(textTable(['rejects (malformed lines)', 'rows'], s.rejects.map((r) => [r.table, r.rows.toLocaleString('en-US')])));
            out(textTable(['gold figure', 'value'], s.figures.map((f) => [f.label, f.value])));
          } finally {
            engine.close();
          }
          out(`explore: cd ${opts.dir} && silt query "SELECT * FROM gold.daily_sales ORDER BY order_date LIMIT 10"`);
          out(`console: cd ${opts.dir} && silt serve, then open http://127.0.0.1:7878/ in a browser`);
          if (result.status === 'failed') process.exitCode = 5;
        });
      }),
    );
}
