import { OWNER } from '../engine/index.js';
import { PushService } from '../ingest/index.js';
import type { Project } from '../project/index.js';
import { createApp } from './app.js';
import type { ServerDeps } from './deps.js';
import { listen } from './listen.js';
import { removeServerFile, writeServerFile } from './server-file.js';

export interface ServeOptions {
  host?: string;
  /** 0 (the default in tests) takes any free port. */
  port?: number;
  /** Where a bug (a 500) is reported; the server keeps serving. */
  onInternalError?: (e: unknown) => void;
}

export interface RunningServer {
  readonly url: string;
  /** Graceful: no new requests, those in flight finish, then the project's file is removed. */
  stop(): Promise<void>;
}

/** `silt serve`: the API on host:port for an open project, found by the CLI through `.silt/server.json`. */
export async function startServer(project: Project, opts: ServeOptions = {}): Promise<RunningServer> {
  const push = await PushService.open(project.catalog, project.config);
  const deps: ServerDeps = {
    project,
    push,
    principalOf: () => OWNER,
    ...(opts.onInternalError ? { onInternalError: opts.onInternalError } : {}),
  };
  const listening = await listen(createApp(deps), opts.host, opts.port);
  writeServerFile(project.config.dir, { url: listening.url, pid: process.pid, startedMs: Date.now() });
  let stopping: Promise<void> | undefined;
  return {
    url: listening.url,
    stop: () =>
      (stopping ??= (async () => {
        removeServerFile(project.config.dir);
        await listening.close();
        await push.close();
      })()),
  };
}
