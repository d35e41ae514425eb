/** Entry point of `bench/run.sh`: runs the named benchmark(s) and exits 1 when a target fails. */
import { apiLoadBench } from './api-load.js';
import { freshnessBench } from './freshness.js';
import { loadBench } from './load.js';
import { parseOptions } from './lib/options.js';
import { pipelineBench } from './pipeline.js';
import { pipelineS3Bench } from './pipeline-s3.js';
import { planningBench } from './planning.js';
import type { Verdict } from './lib/report.js';
import { profileBench } from './profile.js';
import { pushBench } from './push.js';
import { queryBench } from './query.js';
import { silverBench } from './silver.js';
import { tpchBench } from './tpch.js';
import { tpchApiBench } from './tpch-api.js';
import { workersBench } from './workers.js';

try {
  const opts = parseOptions(process.argv.slice(2));
  const verdicts: Verdict[] = [];
  if (opts.name === 'load' || opts.name === 'all') verdicts.push(...(await loadBench(opts)));
  // After `load`, the cached project is brand new: `all --fresh` need not load it again.
  if (opts.name === 'query' || opts.name === 'all') verdicts.push(...(await queryBench({ ...opts, fresh: opts.fresh && opts.name === 'query' })));
  if (opts.name === 'profile') await profileBench(opts);
  if (opts.name === 'pipeline') verdicts.push(...(await pipelineBench(opts)));
  if (opts.name === 'pipeline-s3') verdicts.push(...(await pipelineS3Bench(opts)));
  if (opts.name === 'silver') await silverBench(opts);
  if (opts.name === 'api-load') verdicts.push(...(await apiLoadBench(opts)));
  if (opts.name === 'freshness') verdicts.push(...(await freshnessBench(opts)));
  if (opts.name === 'push') verdicts.push(...(await pushBench(opts)));
  if (opts.name === 'tpch') verdicts.push(...(await tpchBench(opts)));
  if (opts.name === 'tpch-api') verdicts.push(...(await tpchApiBench(opts)));
  if (opts.name === 'workers') await workersBench(opts);
  if (opts.name === 'planning') verdicts.push(...(await planningBench(opts)));
  if (opts.name === 'all') {
    process.stdout.write('\nsummary\n');
    for (const v of verdicts) process.stdout.write(`${v.pass ? 'PASS' : 'FAIL'} ${v.target}: ${v.detail}\n`);
  }
  if (verdicts.some((v) => !v.pass)) process.exitCode = 1;
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
}
