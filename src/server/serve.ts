import { startAlertChecks } from '../alerts/index.js';
import { serverToken, startAuditPublisher } from '../governance/index.js';
import { PushService } from '../ingest/index.js';
import { createLogger, recordQuery, type Logger } from '../observe/index.js';
import { Executor, startLandingWatcher, startScheduler } from '../pipeline/index.js';
import { removeServerFile, writeServerFile, type Project } from '../project/index.js';
import { createApp } from './app.js';
import { requestPrincipal } from './auth.js';
import type { ServerDeps } from './deps.js';
import { listen } from './listen.js';
import { QueryService } from './query-service.js';
import { runWithEffects } from './run-effects.js';
import { cacheManifests, serveSettings, type ServeSettings } from './serve-config.js';

export interface ServeOptions extends Partial<ServeSettings> {
  /** Where the server's JSON log lines go (default: stdout). */
  logger?: Logger;
  /** The landing watcher's timings (tests shorten them). */
  watcher?: { pollMs?: number; settleMs?: number };
  /** Where a bug (a 500) is reported; the server keeps serving. */
  onInternalError?: (e: unknown) => void;
}

export interface RunningServer {
  readonly url: string;
  /** The owner's token, as the server file holds it: the console's address carries it for the owner. */
  readonly ownerToken: string;
  readonly executor: Executor;
  /**
   * Graceful: no new connections or jobs; a running run may finish within the shutdown grace,
   * else it is stopped and its job queued again (a restart resumes it); then requests in flight
   * finish and the project's server file is removed.
   */
  stop(): Promise<void>;
}

/**
 * `silt serve`: the API on host:port for an open project (found by the CLI through
 * `.silt/server.json`) and the executor that runs the jobs asked of it. Options given here (the
 * command line's flags) win over silt.yaml's `serve:` section; port 0 takes any free port.
 */
export async function startServer(project: Project, opts: ServeOptions = {}): Promise<RunningServer> {
  const { onInternalError, logger, watcher: watcherTimes, ...flags } = opts;
  const settings = serveSettings(project.config, flags);
  cacheManifests(project, settings);
  const log = logger ?? createLogger();
  const onError = (what: string) => (e: unknown) => log.error({ err: e instanceof Error ? e.message : String(e) }, what);
  const executor = new Executor(project, {
    name: 'serve',
    runPipeline: runWithEffects(log),
    concurrency: settings.concurrency,
    retry: { retries: settings.retries, backoffMs: settings.retryBackoffMs },
    ...(settings.stepTimeoutMs ? { stepTimeoutMs: settings.stepTimeoutMs } : {}),
    ...(settings.runTimeoutMs ? { runTimeoutMs: settings.runTimeoutMs } : {}),
    ingestTaskFiles: settings.ingestTaskFiles,
  });
  const push = await PushService.open(project.catalog, project.config);
  const queries = new QueryService(project, { onEnded: recordQuery });
  const deps: ServerDeps = { project, principalOf: requestPrincipal, executor, push, queries, ...(onInternalError ? { onInternalError } : {}) };
  const listening = await listen(createApp(deps), settings.host, settings.port);
  // Without it, the queue is left to `silt worker`s; requests, schedules and landed files still queue.
  if (settings.execute) executor.start();
  // Triggers: files arriving, schedules ticking, alert rules that watch the clock (staleness).
  const triggers = [
    ...(settings.watchLanding ? [startLandingWatcher(project, executor, { ...watcherTimes, onError: onError('landing watcher') })] : []),
    await startScheduler(project, executor, { onError: onError('scheduler') }),
    startAlertChecks(project, { onError: onError('alert checks') }),
    ...(settings.auditPublishMs > 0 ? [startAuditPublisher(project.catalog, () => project.openEngine(), { everyMs: settings.auditPublishMs, onError: onError('audit publish') })] : []),
  ];
  // The local CLI acts as the owner: it reads this token from the server file, which only the file's owner may read.
  const token = await serverToken(project.catalog);
  writeServerFile(project.config.dir, { url: listening.url, pid: process.pid, startedMs: Date.now(), token });
  let stopping: Promise<void> | undefined;
  return {
    url: listening.url,
    ownerToken: token,
    executor,
    stop: () =>
      (stopping ??= (async () => {
        removeServerFile(project.config.dir);
        await Promise.all(triggers.map((t) => t.stop()));
        await executor.stop(settings.shutdownGraceMs);
        await listening.close();
        await push.close();
        await queries.close();
      })()),
  };
}
