/**
 * Plans one query's files in a fresh process (cold caches, as `silt query` does) and prints the
 * milliseconds `planFiles` took: the planning alone, without start-up or the scan. With REPEAT,
 * the process then plans it REPEAT times more as a long-running one does (`silt serve`, a worker):
 * the table loaded afresh each time, decoded manifests kept in a `ManifestCache`; `warm` lists those.
 *   node bench/out/probe/plan-once.js PROJECT NAMESPACE TABLE FILTER_JSON [REPEAT]
 */
import { distModule } from '../lib/paths.js';

interface Table {
  refresh(): Promise<unknown>;
  planFiles(o: { filter: unknown }): Promise<{ files: unknown[] }>;
}
interface ProjectModule {
  withProject<T>(opts: { projectDir: string }, fn: (p: { catalog: { manifestCache: unknown; loadTable(ns: string, name: string): Promise<Table> } }) => Promise<T>): Promise<T>;
}
interface TableModule {
  ManifestCache: new () => unknown;
}

const [project, namespace, table, filter, repeat] = process.argv.slice(2);
const { withProject } = (await import(distModule('project/index.js'))) as ProjectModule;
const { ManifestCache } = (await import(distModule('table/index.js'))) as TableModule;
await withProject({ projectDir: project! }, async (p) => {
  if (repeat) p.catalog.manifestCache = new ManifestCache();
  const plan = async () => {
    const t = await p.catalog.loadTable(namespace!, table!);
    await t.refresh();
    const started = performance.now();
    const plan = await t.planFiles({ filter: JSON.parse(filter!) });
    return { ms: performance.now() - started, files: plan.files.length };
  };
  const first = await plan();
  const warm: number[] = [];
  for (let i = 0; i < Number(repeat ?? 0); i++) warm.push((await plan()).ms);
  process.stdout.write(JSON.stringify({ ...first, warm }) + '\n');
});
