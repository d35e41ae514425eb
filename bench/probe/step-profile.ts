/**
 * One or more pipeline steps of the demo, profiled in-process on a fresh project:
 * `node bench/out/probe/step-profile.js ROWS STEP…` (say `1000000 ingest.web_events`).
 */
import path from 'node:path';
import { demoTemplate, freshDemoProject } from '../lib/demo-project.js';
import { PROJECTS_DIR } from '../lib/paths.js';
import { profilePipeline, sumByShape } from '../pipeline-profile.js';

const [rows, ...steps] = process.argv.slice(2);
const template = await demoTemplate(Number(rows));
const dir = path.join(PROJECTS_DIR, 'step-profile');
await freshDemoProject(template, dir, { threads: 2, memoryLimit: '8GB' });
const profile = await profilePipeline(dir, { select: steps });
for (const s of profile.bySteps) console.log(`${s.step}: ${(s.ms / 1000).toFixed(1)} s wall, ${(s.duckdbMs / 1000).toFixed(1)} s in DuckDB`);
for (const e of sumByShape(profile.bySteps.flatMap((s) => s.calls), (c) => c.ms).slice(0, 25)) console.log(String(Math.round(e.total)).padStart(6), String(e.calls).padStart(5), e.shape);
