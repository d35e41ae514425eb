import { parentPort, workerData } from 'node:worker_threads';
import { runTask, type TaskInput } from './tasks.js';

// Runs one generator task off the main thread; progress and the result go back as messages.
const port = parentPort;
if (port) {
  const result = await runTask(workerData as TaskInput, (p) => port.postMessage({ kind: 'progress', p }));
  port.postMessage({ kind: 'done', result });
}
