import { Worker } from 'node:worker_threads';
import { LocalStore } from '../storage/index.js';
import type { Progress } from './file-series.js';
import { TASKS, runTask, type TaskInput, type TaskResult } from './tasks.js';

type Message = { kind: 'progress'; p: Parameters<Progress>[0] } | { kind: 'done'; result: TaskResult };

/**
 * Runs every generator task, one after another or each in its own worker thread. Output is the
 * same either way; results come back in task order, not completion order.
 */
export async function runTasks(
  base: Omit<TaskInput, 'task'>,
  parallel: boolean,
  onProgress?: Progress,
): Promise<TaskResult[]> {
  if (!parallel) {
    const results: TaskResult[] = [];
    for (const task of TASKS) results.push(await runTask({ ...base, task }, onProgress));
    return results;
  }
  const workers: Worker[] = [];
  try {
    return await Promise.all(
      TASKS.map((task) => {
        const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: { ...base, task } });
        workers.push(worker);
        return new Promise<TaskResult>((resolve, reject) => {
          worker.on('message', (m: Message) => {
            if (m.kind === 'progress') onProgress?.(m.p);
            else resolve(m.result);
          });
          worker.on('error', reject);
          worker.on('exit', (code) => reject(new Error(`demo: ${task} worker exited with code ${code}`)));
        });
      }),
    );
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    await removePartials(base.root);
    throw e;
  }
}

/** What a stopped worker left half-written: the store's unfinished writes, never listed as objects. */
async function removePartials(root: string): Promise<void> {
  const store = new LocalStore(root);
  const complete = new Set((await store.list('landing/')).map((o) => o.key));
  for (const o of await store.list('landing/', { leftovers: true })) {
    if (!complete.has(o.key)) await store.delete(o.key);
  }
}
