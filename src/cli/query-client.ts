import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { findProjectDir } from '../config/index.js';
import type { QueryResult } from '../engine/index.js';
import { AlreadyExists, CommitConflict, EnvironmentFault, InvalidInput, NotFound, RunFailed, type ErrorBody, type SiltError } from '../errors.js';
import { readServerFile } from '../project/index.js';
import { cliToken, serverHeaders, type ServerAddress } from './server-client.js';

/** Rows per results request. */
const PAGE = 10_000;

/**
 * The running server of the project, if `.silt/server.json` names one that answers /v1/health;
 * undefined to work alone (also with SILT_NO_SERVER=1, or when asked to with `local`).
 */
export async function runningServer(projectOption: string | undefined, local: boolean | undefined): Promise<ServerAddress | undefined> {
  if (local || process.env['SILT_NO_SERVER'] === '1') return undefined;
  let dir: string;
  try {
    dir = findProjectDir(process.cwd(), projectOption);
  } catch {
    return undefined; // working alone reports the missing project as it always has
  }
  const info = readServerFile(dir);
  if (!info) return undefined;
  const server = { url: info.url, token: cliToken(info.token) };
  try {
    const res = await send(server, 'GET', '/v1/health', undefined, 2000);
    return res.status === 200 ? server : undefined;
  } catch {
    return undefined;
  }
}

export interface RemoteQuery {
  sql: string;
  /** Rows wanted back: the screen's limit, or all for a file or csv/json output. */
  maxRows: number;
  /** Write the server's download of the whole result here (csv, parquet, json) instead of rows. */
  download?: { file: string; format: 'csv' | 'parquet' | 'json' };
}

/**
 * Runs a statement on the server and returns it as `SqlSession.execute` would have: columns, the
 * rows wanted, the total, stats and a write's message. A refusal or failure comes back as the same
 * Silt error (kind, code, message, details) that running alone would throw.
 */
export async function queryOnServer(server: ServerAddress, q: RemoteQuery): Promise<QueryResult> {
  let view = await request(server, 'POST', '/v1/queries', { sql: q.sql, wait_ms: 500 });
  // Ctrl-C stops the statement on the server too, as it would stop it here.
  const id: string = view.id;
  const interrupt = (): void => {
    void send(server, 'POST', `/v1/queries/${id}/cancel`, undefined, 2000).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  try {
    for (let wait = 20; view.status === 'queued' || view.status === 'running'; wait = Math.min(wait * 2, 500)) {
      await new Promise((r) => setTimeout(r, wait));
      view = await request(server, 'GET', `/v1/queries/${id}`);
    }
  } finally {
    process.off('SIGINT', interrupt);
  }
  // The results of a failed query are its error, with the status that says what kind it is.
  if (view.status !== 'succeeded') await request(server, 'GET', `/v1/queries/${view.id}/results?limit=1`);
  const result: QueryResult = {
    columns: view.columns ?? [],
    rows: [],
    truncated: false,
    totalRows: view.row_count,
    stats: view.stats,
    ...(view.message !== null ? { message: view.message } : {}),
    ...(view.snapshot_id !== null ? { snapshotId: view.snapshot_id } : {}),
  };
  if (q.download) {
    const res = await send(server, 'GET', `/v1/queries/${view.id}/download?format=${q.download.format}`);
    await writeFile(q.download.file, new Uint8Array(res.bytes));
    return { ...result, message: `wrote ${view.row_count} rows to ${path.resolve(q.download.file)}` };
  }
  const wanted = Math.min(q.maxRows, view.row_count);
  for (let offset = 0; offset < wanted; offset += PAGE) {
    const page = await request(server, 'GET', `/v1/queries/${view.id}/results?offset=${offset}&limit=${Math.min(PAGE, wanted - offset)}`);
    result.rows.push(...page.rows);
  }
  return { ...result, truncated: view.row_count > result.rows.length };
}

/** One request on a connection of its own (closed after it), so the command exits as soon as it is done. */
async function send(server: ServerAddress, method: string, route: string, body?: unknown, timeoutMs?: number): Promise<{ status: number; bytes: Buffer }> {
  const { url } = server;
  let res: { status: number; bytes: Buffer };
  try {
    res = await new Promise((resolve, reject) => {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request(`${url}${route}`, { method, agent: false, ...(timeoutMs ? { timeout: timeoutMs } : {}), headers: serverHeaders(server, text) }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, bytes: Buffer.concat(chunks as Uint8Array[]) }));
        r.on('error', reject);
      });
      req.on('error', reject);
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.end(text);
    });
  } catch (e) {
    throw new EnvironmentFault(`query: the server at ${url} stopped answering (${e instanceof Error ? e.message : String(e)}); run again, or with --local to work without it`, {
      code: 'server_unreachable',
    });
  }
  if (res.status < 200 || res.status >= 300) throw errorOf(res.status, res.bytes.toString('utf8'));
  return res;
}

async function request(server: ServerAddress, method: string, route: string, body?: unknown): Promise<any> {
  return JSON.parse((await send(server, method, route, body)).bytes.toString('utf8'));
}

/** The error the server's status and body describe, as the Silt error running alone would have thrown. */
export function errorOf(status: number, text: string): SiltError | Error {
  let body: ErrorBody['error'];
  try {
    body = (JSON.parse(text) as ErrorBody).error;
  } catch {
    return new Error(`the server answered ${status}: ${text.slice(0, 200)}`);
  }
  const opts = { code: body.code, details: body.details };
  switch (status) {
    case 400:
    case 401:
    case 403:
      return new InvalidInput(body.message, opts);
    case 404:
      return new NotFound(body.message, opts);
    case 409:
      return body.code.endsWith('exists') ? new AlreadyExists(body.message, opts) : new CommitConflict(body.message, opts);
    case 422:
      return new RunFailed(body.message, opts);
    case 503:
      return new EnvironmentFault(body.message, opts);
    default:
      return new Error(body.message);
  }
}
