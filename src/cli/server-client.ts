import { AlreadyExists, CommitConflict, EnvironmentFault, InvalidInput, NotFound, RunFailed, type ErrorDetails } from '../errors.js';
import type { RunResult } from '../pipeline/index.js';
import { readServerFile } from '../project/index.js';

/** What asks a running server instead of working alone: `--local` or SILT_NO_SERVER=1 say no. */
export function serverWanted(local: boolean | undefined): boolean {
  return !local && process.env['SILT_NO_SERVER'] !== '1';
}

/** A running server and the bearer token the CLI sends it. */
export interface ServerAddress {
  url: string;
  token: string | undefined;
}

/**
 * The token the CLI acts with: SILT_TOKEN when set (to act as another principal), else the owner's
 * token the server wrote into its file for its own CLI.
 */
export function cliToken(fromFile: string | undefined): string | undefined {
  return process.env['SILT_TOKEN'] || fromFile;
}

/** The headers of a request to the server: its bearer token, and JSON when there is a body. */
export function serverHeaders(server: ServerAddress, json: string | undefined): Record<string, string> {
  return {
    ...(server.token ? { authorization: `Bearer ${server.token}` } : {}),
    ...(json === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(json)) }),
  };
}

/**
 * The `silt serve` running for the project in `projectDir`, if one is there and answers its
 * health check for this project within a second; undefined otherwise (a stale file, a server
 * that is stopping), and the CLI then works alone.
 */
export async function findServer(projectDir: string, projectName: string): Promise<ServerAddress | undefined> {
  const info = readServerFile(projectDir);
  if (!info) return undefined;
  try {
    const res = await fetch(`${info.url}/v1/health`, { signal: AbortSignal.timeout(1_000) });
    const body = (await res.json()) as { status?: string; project?: string };
    return res.ok && body.status === 'ok' && body.project === projectName ? { url: info.url, token: cliToken(info.token) } : undefined;
  } catch {
    return undefined;
  }
}

interface JobAnswer {
  jobId: string;
  job: { status: string; finishedMs: number | null; result: unknown; error: ErrorBodyError | null };
}

interface ErrorBodyError {
  code: string;
  message: string;
  kind?: string;
  details?: ErrorDetails;
}

/**
 * Asks the server for a run and waits for it to end: the run's result as `runPipeline` gives it,
 * or the error that stopped it before its steps (thrown as the same kind of error, so the CLI
 * exits with the same code as when it works alone).
 */
export async function runOnServer(server: ServerAddress, request: { select?: string[] }): Promise<RunResult> {
  // Waits a minute per request, then looks again: no HTTP client or proxy has to hold one answer for a long run.
  let answer = await ask<JobAnswer>(server, 'POST', '/v1/runs', { ...(request.select?.length ? { select: request.select } : {}), trigger: 'manual', wait: true, waitMs: 60_000 });
  const { jobId } = answer;
  let job = answer.job;
  while (job.finishedMs === null) {
    await new Promise((r) => setTimeout(r, 500));
    job = await ask<JobAnswer['job']>(server, 'GET', `/v1/jobs/${encodeURIComponent(jobId)}`);
  }
  if (job.error) throw siltError(job.error);
  return job.result as RunResult;
}

/** One request to the server; its error answers thrown as Silt errors, a server gone as an EnvironmentFault. */
async function ask<T>(server: ServerAddress, method: string, route: string, body?: unknown): Promise<T> {
  const { url } = server;
  let res: Response;
  try {
    const json = body === undefined ? undefined : JSON.stringify(body);
    res = await fetch(`${url}${route}`, { method, headers: serverHeaders(server, json), ...(json === undefined ? {} : { body: json }) });
  } catch (e) {
    throw new EnvironmentFault(
      `run: the server at ${url} stopped answering (${(e as Error).message}); a run it took resumes when it starts again; \`silt runs\` shows it`,
      { code: 'server_gone' },
    );
  }
  const answer = (await res.json().catch(() => ({}))) as T & { error?: ErrorBodyError };
  if (!res.ok) throw siltError(answer.error ?? { code: 'internal', message: `the server answered ${res.status}` }, res.status);
  return answer;
}

/** An error the server sent, as the error it was there (kind, code, details), so exit codes match. */
export function siltError(e: ErrorBodyError, status?: number): Error {
  const opts = { code: e.code, ...(e.details ? { details: e.details } : {}) };
  const kind = e.kind ?? KIND_OF_STATUS[status ?? 500];
  switch (kind) {
    case 'invalid_input':
      return new InvalidInput(e.message, opts);
    case 'not_found':
      return new NotFound(e.message, opts);
    case 'already_exists':
      return new AlreadyExists(e.message, opts);
    case 'commit_conflict':
      return new CommitConflict(e.message, opts);
    case 'run_failed':
      return new RunFailed(e.message, opts);
    case 'environment_fault':
      return new EnvironmentFault(e.message, opts);
    default:
      return new Error(e.message);
  }
}

const KIND_OF_STATUS: Record<number, string> = { 400: 'invalid_input', 401: 'invalid_input', 403: 'invalid_input', 404: 'not_found', 409: 'commit_conflict', 422: 'run_failed', 503: 'environment_fault' };
