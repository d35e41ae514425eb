import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_FILE, projectTemplate } from '../config/index.js';
import { AlreadyExists, InvalidInput } from '../errors.js';
import { machineFault } from '../storage/index.js';
import { openProject } from './open.js';

/** The first path from `dir` upward that exists and is not a folder, if any. */
function firstFileOnPath(dir: string): string | undefined {
  for (let cur = dir; ; cur = path.dirname(cur)) {
    if (existsSync(cur)) return statSync(cur).isDirectory() ? undefined : cur;
    if (path.dirname(cur) === cur) return undefined;
  }
}

/**
 * Makes `dir` and the missing folders above it, one level at a time: Node's recursive mkdir
 * loops forever where the system answers ENOENT for a parent that exists (under /proc).
 */
function makeFolder(dir: string): void {
  const missing: string[] = [];
  for (let cur = dir; !existsSync(cur) && path.dirname(cur) !== cur; cur = path.dirname(cur)) missing.unshift(cur);
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code === 'ENAMETOOLONG') throw new InvalidInput(`init: cannot make the folder ${folder}: the name is too long for the file system; pick a shorter one`);
      const fault = machineFault(e, 'make the folder', folder);
      if (fault !== e) throw fault;
      throw new InvalidInput(`init: cannot make the folder ${folder} (${code ?? (e as Error).message}); pick another folder`);
    }
  }
}

/** Writes a commented silt.yaml and the project's folders, and creates the catalog. */
export async function initProject(dir: string, opts: { name?: string } = {}): Promise<{ dir: string; file: string }> {
  const abs = path.resolve(dir);
  const file = path.join(abs, PROJECT_FILE);
  if (existsSync(file)) throw new AlreadyExists(`init: ${file} already exists`);
  const blocker = firstFileOnPath(abs);
  if (blocker) throw new InvalidInput(`init: ${blocker} is a file, so no project folder can be made at ${abs}; pick another folder`);
  makeFolder(abs);
  const name = opts.name ?? (path.basename(abs).replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^[^A-Za-z]+/, '') || 'lakehouse');
  writeFileSync(file, projectTemplate(name));
  for (const sub of ['lake/landing', 'lake/warehouse', 'lake/archive', 'models', '.silt']) {
    mkdirSync(path.join(abs, sub), { recursive: true });
  }
  writeFileSync(path.join(abs, '.silt', '.gitignore'), '*\n');
  const project = await openProject({ projectDir: abs });
  await project.close();
  return { dir: abs, file };
}
