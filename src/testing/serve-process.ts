import type { ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readServerFile } from '../project/index.js';
import { finished, startSilt, type SiltResult } from './silt-process.js';

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** Resolves when the process has exited, with its output. */
  exited: Promise<SiltResult>;
}

/** Starts a real `silt serve --port 0` in `dir` and waits until its server file names it. */
export async function startServeProcess(dir: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const child = startSilt(dir, ['serve', '--port', '0', ...args], env);
  const exited = finished(child);
  let gone: SiltResult | undefined;
  void exited.then((r) => (gone = r));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const info = readServerFile(dir);
    if (info && info.pid === child.pid) return { child, url: info.url, exited };
    if (gone) throw new Error(`silt serve exited ${gone.code} before it listened:\n${gone.stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('silt serve did not start within 30 s');
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** `fetch` as the project's owner: with the token the server in `dir` wrote for its own CLI (read anew, as a restarted server makes a new one). */
export function ownerFetch(dir: string, url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const token = readServerFile(dir)?.token;
  if (token) headers.set('authorization', `Bearer ${token}`);
  return fetch(url, { ...init, headers });
}

/** A JSON request, as the owner, to the server of the project in `dir`: status and parsed body. */
export async function httpJson(dir: string, url: string, method: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await ownerFetch(dir, url, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  return { status: res.status, body: await res.json() };
}

/** A real `silt worker` process of a test. */
export interface WorkerProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<SiltResult>;
  /** What it has said so far. */
  stderr(): string;
}

export function startWorkerProcess(dir: string, name: string): WorkerProcess {
  const child = startSilt(dir, ['worker', '--name', name]);
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString('utf8')));
  return { name, child, exited: finished(child), stderr: () => err };
}

/** Points a test project's silt.yaml at a PostgreSQL metadata store. */
export async function useCatalog(dir: string, uri: string): Promise<void> {
  const yaml = path.join(dir, 'silt.yaml');
  const text = await readFile(yaml, 'utf8');
  const replaced = text.replace(/^catalog:\n(?: {2}.*\n)+/m, `catalog: ${uri}\n`);
  if (replaced === text) throw new Error(`${yaml} has no catalog: section to replace`);
  await writeFile(yaml, replaced);
}
