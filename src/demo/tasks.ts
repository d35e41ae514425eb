import { LocalStore } from '../storage/index.js';
import type { DemoContext } from './context.js';
import { writeCustomers } from './customers.js';
import type { GeneratedFile, Progress } from './file-series.js';
import { writeOrders } from './orders.js';
import { Customers } from './profiles.js';
import { writeSensors } from './sensors.js';
import { demoSizes } from './sizes.js';
import type { DemoTruth } from './truth.js';
import { writeWebEvents } from './web-events.js';

/** Independent units of work: each has its own random streams, so they may run in any order or at once. */
export const TASKS = ['customers', 'orders', 'sensors', 'web_events'] as const;
export type TaskName = (typeof TASKS)[number];

/** Plain data, so it can cross into a worker thread. */
export interface TaskInput {
  readonly task: TaskName;
  readonly root: string;
  readonly seed: number;
  readonly rows: number;
}

export interface TaskResult {
  truth: Partial<Pick<DemoTruth, 'customers' | 'orders' | 'payments' | 'sensors' | 'webEvents'>>;
  files: GeneratedFile[];
}

export async function runTask(input: TaskInput, onProgress?: Progress): Promise<TaskResult> {
  const sizes = demoSizes(input.rows);
  const ctx: DemoContext = {
    store: new LocalStore(input.root), seed: input.seed, sizes, customers: new Customers(input.seed, sizes.customers),
    written: [], ...(onProgress ? { onProgress } : {}),
  };
  switch (input.task) {
    case 'customers':
      return { truth: { customers: await writeCustomers(ctx) }, files: ctx.written };
    case 'orders':
      return { truth: await writeOrders(ctx), files: ctx.written };
    case 'sensors':
      return { truth: { sensors: await writeSensors(ctx) }, files: ctx.written };
    case 'web_events':
      return { truth: { webEvents: await writeWebEvents(ctx) }, files: ctx.written };
  }
}
