/** Finds the model files under a project's models/ folder and reads each one's config and dependencies. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { analyzeQuery, type Engine } from '../engine/index.js';
import { InvalidInput } from '../errors.js';
import { parseModelFile } from './header.js';
import { tableOf, type Model } from './model.js';
import { DEFAULT_LAYERS } from '../config/index.js';

const NAME = /^[a-z_][a-z0-9_]*$/;

/** Every `*.sql` file under `modelsDir` (nested folders too; dot-files skipped), sorted by path. No folder → no models. */
export async function discoverModels(engine: Engine, modelsDir: string, namespace = DEFAULT_LAYERS.gold): Promise<Model[]> {
  const files = await sqlFiles(modelsDir);
  const base = path.basename(path.resolve(modelsDir));
  const byName = new Map<string, Model>();
  const models: Model[] = [];
  for (const rel of files) {
    const file = [base, ...rel.split(path.sep)].join('/');
    const model = await readModel(engine, file, await readFile(path.join(modelsDir, rel), 'utf8'), namespace);
    const other = byName.get(model.name);
    if (other) throw new InvalidInput(`models: ${file} and ${other.file} both define ${tableOf(model)}: rename one`);
    byName.set(model.name, model);
    models.push(model);
  }
  return models;
}

/** Reads one model from its text; `file` names it in messages and decides its name. */
export async function readModel(engine: Engine, file: string, text: string, namespace = DEFAULT_LAYERS.gold): Promise<Model> {
  const name = path.posix.basename(file).replace(/\.sql$/i, '');
  if (!NAME.test(name)) {
    throw new InvalidInput(
      `models: ${file}: "${name}" is not a valid model name: use lower-case letters, digits and _ ` +
        `(e.g. ${name.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^(?=\d)/, '_') || 'daily_sales'}.sql)`,
    );
  }
  const { config, sql } = parseModelFile(file, text);
  const dependsOn = await tablesRead(engine, file, sql, namespace);
  return { name, file, sql, config, dependsOn, namespace };
}

async function tablesRead(engine: Engine, file: string, sql: string, namespace: string): Promise<string[]> {
  try {
    const { refs } = await analyzeQuery(engine, sql);
    return [...new Set(refs.map((r) => `${r.namespace}.${r.table}`.toLowerCase()))].sort();
  } catch (e) {
    if (!(e instanceof InvalidInput)) throw e;
    const why = e.message.replace(/^query: /, '');
    if (/Only SELECT statements/i.test(why)) throw new InvalidInput(`models: ${file}: a model is one SELECT statement (its rows become ${namespace}.<name>)`);
    throw new InvalidInput(`models: ${file}: ${why}`);
  }
}

async function sqlFiles(dir: string, prefix = ''): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.')) continue;
    const rel = path.join(prefix, entry.name);
    if (entry.isDirectory()) out.push(...(await sqlFiles(dir, rel)));
    else if (entry.isFile() && entry.name.toLowerCase().endsWith('.sql')) out.push(rel);
  }
  return out;
}
