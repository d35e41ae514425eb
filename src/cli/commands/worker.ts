import type { Command } from 'commander';
import { InvalidInput } from '../../errors.js';
import { outlasting } from '../../pipeline/index.js';
import { openProject } from '../../project/index.js';
import { startWorker } from '../../server/index.js';
import { action, positiveWhole } from '../context.js';

interface WorkerFlags {
  concurrency?: string;
  name?: string;
}

export function register(program: Command): void {
  program
    .command('worker')
    .description('run the jobs of the project\'s queue (runs asked of `silt serve`, its schedules and landed files) without serving HTTP; run as many as you like, on any machine that reaches the metadata store and storage')
    .option('--concurrency <n>', 'jobs at once; pipeline runs stay one at a time per project (default: silt.yaml serve.concurrency, else 1)')
    .option('--name <name>', 'the name `silt runs` shows for the runs this worker makes (default worker-HOST-PID)')
    .action(
      action(async function (this: Command, flags: WorkerFlags) {
        const concurrency = flags.concurrency === undefined ? undefined : positiveWhole('worker', '--concurrency', flags.concurrency);
        if (concurrency !== undefined && concurrency > 64) throw new InvalidInput(`worker: --concurrency must be at most 64, found ${concurrency}`);
        if (flags.name !== undefined && !/^[\w.:@-]{1,200}$/.test(flags.name)) {
          throw new InvalidInput(`worker: --name must be 1 to 200 letters, digits or . _ : @ -, found ${JSON.stringify(flags.name)}`);
        }
        const say = (line: string) => process.stderr.write(`silt worker: ${line}\n`);
        // A worker started while the metadata store or storage restarts waits for them.
        const project = await outlasting(() => openProject({ projectDir: this.optsWithGlobals<{ project?: string }>().project }), {
          onWait: (e, ms) => say(`${e.message}; trying again in ${ms} ms`),
        });
        const worker = startWorker(project, { ...(concurrency ? { concurrency } : {}), ...(flags.name ? { name: flags.name } : {}), onProgress: say });
        say(`${worker.name} takes jobs of ${project.config.name}; Ctrl-C stops`);
        // The executor's timers do not hold the process open (a server's socket does); this does.
        const alive = setInterval(() => undefined, 60_000);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        clearInterval(alive);
        say(`${worker.name} stopping (a running run may finish within the shutdown grace; otherwise its job goes back to the queue)`);
        await worker.stop();
        await project.close();
      }),
    );
}
