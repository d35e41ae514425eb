import type { Command } from 'commander';
import { InvalidInput } from '../../errors.js';
import { openProject } from '../../project/index.js';
import { startServer } from '../../server/index.js';
import { action, out } from '../context.js';

export function register(program: Command): void {
  program
    .command('serve')
    .description('run the lakehouse as a service: the HTTP API (and, as they land, triggers and schedules)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', '7878')
    .action(
      action(async function (this: Command, opts: { host: string; port: string }) {
        const port = Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InvalidInput(`serve: --port must be a port number (0-65535), found ${JSON.stringify(opts.port)}`);
        const project = await openProject({ projectDir: this.optsWithGlobals<{ project?: string }>().project });
        const server = await startServer(project, {
          host: opts.host,
          port,
          onInternalError: (e) => process.stderr.write(`silt: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`),
        }).catch(async (e: unknown) => {
          await project.close();
          throw e;
        });
        out(`silt serve: ${project.config.name} on ${server.url} (API at ${server.url}/v1, OpenAPI at ${server.url}/openapi.json); Ctrl-C stops`);
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        out('silt serve: stopping (requests in flight finish first)');
        await server.stop();
        await project.close();
      }),
    );
}
