/**
 * Plans one query's files in a fresh process (cold caches, as `silt query` does) and prints the
 * milliseconds `planFiles` took: the planning alone, without start-up or the scan.
 *   node bench/out/probe/plan-once.js PROJECT NAMESPACE TABLE FILTER_JSON
 */
import { distModule } from '../lib/paths.js';

interface ProjectModule {
  withProject<T>(opts: { projectDir: string }, fn: (p: { catalog: { loadTable(ns: string, name: string): Promise<{ refresh(): Promise<unknown>; planFiles(o: { filter: unknown }): Promise<{ files: unknown[] }> }> } }) => Promise<T>): Promise<T>;
}

const [project, namespace, table, filter] = process.argv.slice(2);
const { withProject } = (await import(distModule('project/index.js'))) as ProjectModule;
await withProject({ projectDir: project! }, async (p) => {
  const t = await p.catalog.loadTable(namespace!, table!);
  await t.refresh();
  const started = performance.now();
  const plan = await t.planFiles({ filter: JSON.parse(filter!) });
  process.stdout.write(JSON.stringify({ ms: performance.now() - started, files: plan.files.length }) + '\n');
});
