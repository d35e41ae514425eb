/**
 * Where `silt run`'s CPU time goes: `node bench/out/probe/cpu-profile.js ROWS [STEP…]` runs the
 * demo (or some steps) in-process on a fresh project with DuckDB on one thread, so steps, files and
 * statements run one at a time and each statement's CPU (user + system, every thread) is its own.
 * Prints the process's CPU, the part spent inside DuckDB statements, the rest (Node's own work:
 * the JSON structure scan, hashing, commits, start-up), and the statement shapes costing most CPU.
 */
import path from 'node:path';
import { demoTemplate, freshDemoProject } from '../lib/demo-project.js';
import { PROJECTS_DIR } from '../lib/paths.js';
import { profilePipeline, sumByShape } from '../pipeline-profile.js';

const [rows, ...steps] = process.argv.slice(2);
const template = await demoTemplate(Number(rows));
const dir = path.join(PROJECTS_DIR, 'cpu-profile');
await freshDemoProject(template, dir, { threads: 1, memoryLimit: '8GB' });
const before = process.cpuUsage();
const profile = await profilePipeline(dir, { select: steps });
const used = process.cpuUsage(before);
const processMs = (used.user + used.system) / 1000;
const calls = profile.bySteps.flatMap((s) => s.calls);
const inDuckdb = calls.reduce((n, c) => n + c.cpuMs, 0);
const s = (x: number) => `${(x / 1000).toFixed(1)} s`;
console.log(`CPU ${s(processMs)} (wall ${s(profile.totalMs)}): ${s(inDuckdb)} in DuckDB statements, ${s(processMs - inDuckdb)} in Node between them`);
for (const step of profile.bySteps) {
  const duckdb = step.calls.reduce((n, c) => n + c.cpuMs, 0);
  console.log(`  ${step.step}: CPU ${s(step.cpuMs)} = ${s(duckdb)} in DuckDB + ${s(step.cpuMs - duckdb)} in Node; ${s(step.ms)} wall`);
}
for (const e of sumByShape(calls, (c) => c.cpuMs).slice(0, 20)) console.log(String(Math.round(e.total)).padStart(7), String(e.calls).padStart(4), e.shape);
