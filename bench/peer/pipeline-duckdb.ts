/**
 * The pipeline peer: runs bench/peer/pipeline.sql (the demo's bronze → silver → gold work written
 * by hand) on a fresh in-memory DuckDB with the same threads and memory_limit as Silt. Usage:
 *   node pipeline-duckdb.js --threads N --memory 4GB --landing DIR --out DIR --secret S --run-id ID [--stages bronze,silver]
 * Prints one JSON line: milliseconds per stage and per table section (`--verbose`: each
 * statement's time on stderr). `--stages` runs only those stages, over what earlier ones left in DIR.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { fillPlaceholders, goldModelsSql, splitStages } from './pipeline-script.js';
import { ROOT } from '../lib/paths.js';

const { values } = parseArgs({
  options: {
    threads: { type: 'string' }, memory: { type: 'string' }, landing: { type: 'string' }, out: { type: 'string' },
    secret: { type: 'string' }, 'run-id': { type: 'string' }, verbose: { type: 'boolean' }, stages: { type: 'string' },
  },
});
const { landing, out, secret } = values;
const runId = values['run-id'];
if (!landing || !out || !secret || !runId) throw new Error('pipeline-duckdb: expected --landing, --out, --secret and --run-id');

const modelsDir = path.join(ROOT, 'src', 'models', 'demo');
const models = readdirSync(modelsDir).filter((f) => f.endsWith('.sql')).map((f) => ({ name: f.slice(0, -4), sql: readFileSync(path.join(modelsDir, f), 'utf8') }));
const script = fillPlaceholders(readFileSync(path.join(ROOT, 'bench', 'peer', 'pipeline.sql'), 'utf8'), {
  LANDING: landing, OUT: out, SECRET: secret, RUN_ID: runId, GOLD_MODELS: goldModelsSql(models, out),
});

// COPY does not create folders: make each target's folder first.
for (const m of script.matchAll(/ TO '([^']+)\/data\.parquet'/g)) mkdirSync(m[1]!.replaceAll("''", "'"), { recursive: true });

const config: Record<string, string> = {};
if (values.threads) config['threads'] = values.threads;
if (values.memory) config['memory_limit'] = values.memory;
const instance = await DuckDBInstance.create(':memory:', config);
const connection = await instance.connect();
const only = values.stages?.split(',');
const stages: Record<string, number> = {};
const sections: Record<string, number> = {};
try {
  for (const stage of splitStages(script).filter((s) => !only || only.includes(s.name))) {
    const started = performance.now();
    for (const { sql, section } of stage.statements) {
      const at = performance.now();
      try {
        await connection.run(sql);
      } catch (e) {
        throw new Error(`pipeline-duckdb: stage ${stage.name}: ${e instanceof Error ? e.message : String(e)}\nin: ${sql.slice(0, 300)}`);
      }
      const took = performance.now() - at;
      if (values.verbose) process.stderr.write(`${Math.round(took)} ms  ${sql.replace(/\s+/g, ' ').slice(0, 100)}\n`);
      if (section) sections[section] = (sections[section] ?? 0) + took;
    }
    stages[stage.name] = performance.now() - started;
  }
} finally {
  connection.closeSync();
  instance.closeSync();
}
process.stdout.write(`${JSON.stringify({ stages, sections })}\n`);
