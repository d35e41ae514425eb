import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PROJECT_FILE } from '../config/index.js';
import { AlreadyExists } from '../errors.js';
import { demoModelsDir } from '../models/index.js';
import { initProject } from '../project/index.js';
import { demoPipelineYaml } from './demo-config.js';
import type { Progress } from './file-series.js';
import { generateDemoData, TRUTH_PATH, truthText } from './generate.js';
import type { DemoTruth } from './truth.js';

export interface DemoProject {
  dir: string;
  truth: DemoTruth;
  files: number;
  bytes: number;
}

/**
 * A ready-to-run demo project: silt.yaml with sources, silver contracts and gold models declared,
 * the demo models, and generated raw data waiting in the landing zone.
 */
export async function createDemoProject(dir: string, opts: { rows: number; seed: number; force?: boolean; onProgress?: Progress }): Promise<DemoProject> {
  const abs = path.resolve(dir);
  const exists = await fs.stat(path.join(abs, PROJECT_FILE)).then(() => true, () => false);
  if (exists) {
    if (!opts.force) throw new AlreadyExists(`demo: ${abs} holds a project already; pass --force to recreate it, or --dir for another folder`);
    await fs.rm(abs, { recursive: true, force: true });
  }
  await initProject(abs, { name: 'silt_demo' });
  await fs.appendFile(path.join(abs, PROJECT_FILE), demoPipelineYaml());
  const models = path.join(abs, 'models');
  for (const f of await fs.readdir(demoModelsDir())) {
    if (f.endsWith('.sql')) await fs.copyFile(path.join(demoModelsDir(), f), path.join(models, f));
  }
  const lake = path.join(abs, 'lake');
  const { files, truth } = await generateDemoData(lake, { rows: opts.rows, seed: opts.seed, onProgress: opts.onProgress, writeTruth: false });
  // The project keeps the truth with its own state, not in its store.
  await fs.mkdir(path.join(abs, path.dirname(TRUTH_PATH)), { recursive: true });
  await fs.writeFile(path.join(abs, TRUTH_PATH), truthText(truth));
  return { dir: abs, truth, files: files.length, bytes: files.reduce((n, f) => n + f.bytes, 0) };
}
