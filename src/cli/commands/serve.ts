import type { Command } from 'commander';
import { parseDuration } from '../../config/index.js';
import { InvalidInput } from '../../errors.js';
import { openProject } from '../../project/index.js';
import { serveSettings, startServer, type ServeOptions } from '../../server/index.js';
import { action, out } from '../context.js';

interface ServeFlags {
  host?: string;
  port?: string;
  concurrency?: string;
  retries?: string;
  stepTimeout?: string;
  runTimeout?: string;
  shutdownGrace?: string;
  watch?: boolean;
  execute?: boolean;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('run the lakehouse as a service: the HTTP API and the executor that runs the pipeline when asked (flags win over silt.yaml serve:)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--port <port>', 'port to listen on, 0 for any free port (default 7878)')
    .option('--concurrency <n>', 'jobs at once; pipeline runs stay one at a time (default 1)')
    .option('--retries <n>', 'retries of a step that failed for a passing reason (default 2)')
    .option('--step-timeout <duration>', 'stop a step running longer, e.g. 30m')
    .option('--run-timeout <duration>', 'stop a run running longer, e.g. 2h')
    .option('--shutdown-grace <duration>', 'on stop, let a running run finish this long before stopping it (default 30s)')
    .option('--no-execute', 'queue runs (requests, schedules, landed files) but leave them to `silt worker`s')
    .option('--no-watch', 'files arriving in landing do not start runs (schedules, pushes and requests still work; runs take the files then)')
    .action(
      action(async function (this: Command, flags: ServeFlags) {
        const opts = serveOptions(flags);
        const project = await openProject({ projectDir: this.optsWithGlobals<{ project?: string }>().project });
        const server = await startServer(project, {
          ...opts,
          onInternalError: (e) => process.stderr.write(`silt: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`),
        }).catch(async (e: unknown) => {
          await project.close();
          throw e;
        });
        out(`silt serve: ${project.config.name} on ${server.url} (API at ${server.url}/v1, OpenAPI at ${server.url}/openapi.json); Ctrl-C stops`);
        // Like a notebook server's: the address signs the owner in (others sign in with their own token).
        if (!serveSettings(project.config, opts).execute) out('silt serve: runs no jobs itself (--no-execute): start `silt worker`s to run them');
        out(`silt serve: console at ${server.url}/?token=${server.ownerToken}`);
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        out('silt serve: stopping (a running run may finish within the shutdown grace; otherwise its job resumes on the next start)');
        await server.stop();
        await project.close();
      }),
    );
}

function serveOptions(f: ServeFlags): ServeOptions {
  const whole = (flag: string, v: string | undefined, min: number, max: number): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidInput(`serve: ${flag} must be a whole number from ${min} to ${max}, found ${JSON.stringify(v)}`);
    return n;
  };
  const ms = (flag: string, v: string | undefined) => (v === undefined ? undefined : parseDuration(v, `serve: ${flag}`));
  const opts: ServeOptions = {
    host: f.host,
    port: whole('--port', f.port, 0, 65_535),
    concurrency: whole('--concurrency', f.concurrency, 1, 64),
    retries: whole('--retries', f.retries, 0, 20),
    stepTimeoutMs: ms('--step-timeout', f.stepTimeout),
    runTimeoutMs: ms('--run-timeout', f.runTimeout),
    shutdownGraceMs: ms('--shutdown-grace', f.shutdownGrace),
    watchLanding: f.watch === false ? false : undefined,
    execute: f.execute === false ? false : undefined,
  };
  return Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as ServeOptions;
}
