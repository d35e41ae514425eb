/**
 * The pipeline bench's input: `silt demo`'s generated landing zone, made once per (rows, seed) by
 * `createDemoProject` into bench/out/data/demo-<rows>/ (a template that is never run), and fresh
 * projects built from it for each timed `silt run`: `silt init` with pinned engine settings, the
 * demo's pipeline sections of silt.yaml and models, and the landing files hard-linked (no copy).
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { DATA_DIR, distModule } from './paths.js';
import { removeDir } from './projects.js';
import { initBenchProject, type EngineSettings } from './silt.js';

export const DEMO_SEED = 42;
const DONE = '.bench-complete';
/** Where the demo's silt.yaml starts declaring sources, contracts and models. */
const PIPELINE_MARK = '# ---- the declared lakehouse';

interface DemoModule {
  createDemoProject(dir: string, opts: { rows: number; seed: number; force?: boolean }): Promise<{ files: number; bytes: number }>;
}

export interface DemoTemplate {
  dir: string;
  landing: string;
  landingBytes: number;
  files: number;
  generatedMs: number | null;
}

export async function demoTemplate(rows: number): Promise<DemoTemplate> {
  const dir = path.join(DATA_DIR, `demo-${rows}`);
  const landing = path.join(dir, 'lake', 'landing');
  let generatedMs: number | null = null;
  if (!existsSync(path.join(dir, DONE))) {
    removeDir(dir);
    mkdirSync(DATA_DIR, { recursive: true });
    const started = performance.now();
    const demo = (await import(distModule('demo/index.js'))) as DemoModule;
    await demo.createDemoProject(dir, { rows, seed: DEMO_SEED });
    generatedMs = performance.now() - started;
    writeFileSync(path.join(dir, DONE), `${JSON.stringify({ rows, seed: DEMO_SEED })}\n`);
  }
  const files = landingFiles(landing);
  return { dir, landing, landingBytes: files.reduce((n, f) => n + statSync(f).size, 0), files: files.length, generatedMs };
}

/** A new, never-run project at `dir` whose landing zone holds the template's files. */
export async function freshDemoProject(template: DemoTemplate, dir: string, engine: EngineSettings): Promise<void> {
  removeDir(dir);
  await initBenchProject(dir, engine);
  const yaml = readFileSync(path.join(template.dir, 'silt.yaml'), 'utf8');
  const at = yaml.indexOf(PIPELINE_MARK);
  if (at < 0) throw new Error(`bench: ${template.dir}/silt.yaml has no "${PIPELINE_MARK}" section (did the demo config change?)`);
  appendFileSync(path.join(dir, 'silt.yaml'), `\n${yaml.slice(at)}`);
  const models = path.join(dir, 'models');
  mkdirSync(models, { recursive: true });
  for (const f of readdirSync(path.join(template.dir, 'models'))) copyFileSync(path.join(template.dir, 'models', f), path.join(models, f));
  for (const file of landingFiles(template.landing)) {
    const to = path.join(dir, 'lake', 'landing', path.relative(template.landing, file));
    mkdirSync(path.dirname(to), { recursive: true });
    try {
      linkSync(file, to);
    } catch {
      copyFileSync(file, to);
    }
  }
}

/** Sets `engine.memory_limit` in a project's silt.yaml (pinned by initBenchProject). */
export function setMemoryLimit(dir: string, limit: string): void {
  setEngineSetting(dir, 'memory_limit', limit);
}

/** Sets both pinned engine settings, say of a kept project run with other options. */
export function setEngineSettings(dir: string, engine: EngineSettings): void {
  setEngineSetting(dir, 'memory_limit', engine.memoryLimit);
  setEngineSetting(dir, 'threads', String(engine.threads));
}

function setEngineSetting(dir: string, key: string, value: string): void {
  const file = path.join(dir, 'silt.yaml');
  const text = readFileSync(file, 'utf8');
  const next = text.replace(new RegExp(`^ {2}${key}: .*$`, 'm'), `  ${key}: ${value}`);
  if (next === text && !text.includes(`${key}: ${value}`)) throw new Error(`bench: ${file}: no ${key} to set`);
  writeFileSync(file, next);
}

function landingFiles(landing: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!e.name.startsWith('.')) out.push(p);
    }
  };
  walk(landing);
  return out.sort();
}
