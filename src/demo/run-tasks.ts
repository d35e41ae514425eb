import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
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

/** Files a stopped worker left half-written. */
async function removePartials(root: string): Promise<void> {
  const landing = path.join(root, 'landing');
  for (const source of await fs.readdir(landing).catch(() => [])) {
    const folder = path.join(landing, source);
    for (const name of await fs.readdir(folder).catch(() => [])) {
      if (name.endsWith('.partial')) await fs.rm(path.join(folder, name), { force: true });
    }
  }
}
