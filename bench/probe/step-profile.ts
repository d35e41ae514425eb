/**
 * One or more pipeline steps of the demo, profiled in-process on a fresh project:
 * `node bench/out/probe/step-profile.js ROWS STEP…` (say `1000000 ingest.web_events`).
 */
import path from 'node:path';
import { demoTemplate, freshDemoProject } from '../lib/demo-project.js';
import { PROJECTS_DIR } from '../lib/paths.js';
import { profilePipeline } from '../pipeline-profile.js';

const [rows, ...steps] = process.argv.slice(2);
const template = await demoTemplate(Number(rows));
const dir = path.join(PROJECTS_DIR, 'step-profile');
await freshDemoProject(template, dir, { threads: 2, memoryLimit: '8GB' });
const profile = await profilePipeline(dir, { select: steps });
for (const s of profile.bySteps) console.log(`${s.step}: ${(s.ms / 1000).toFixed(1)} s wall, ${(s.duckdbMs / 1000).toFixed(1)} s in DuckDB`);
const byWhat = new Map<string, { ms: number; n: number }>();
for (const s of profile.bySteps)
  for (const c of s.calls) {
    const k = `${c.caller.replace(/ \(.*$/, '')}: ${c.what.replace(/"silt_[a-z_]+_\d+_\d+"/g, 'T').replace(/'[^']*'/g, "'…'").slice(0, 90)}`;
    const e = byWhat.get(k) ?? { ms: 0, n: 0 };
    e.ms += c.ms;
    e.n += 1;
    byWhat.set(k, e);
  }
for (const [k, v] of [...byWhat].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) console.log(String(Math.round(v.ms)).padStart(6), String(v.n).padStart(5), k);
