import path from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { openProject, type Project } from '../project/index.js';
import { createApp } from '../server/index.js';
import { OWNER } from '../engine/index.js';
import { PushService } from '../ingest/index.js';
import { removeDir, smallProject, tempDir } from './pipeline-project.js';

/**
 * The API of a small project, in process: `app.request(path, init)` answers as the server would,
 * without a socket, so each route's cases run in milliseconds.
 */
export async function withApi<T>(
  setup: { yaml?: string; landing?: Record<string, string | Uint8Array>; models?: Record<string, string> },
  fn: (app: OpenAPIHono, project: Project, dir: string) => Promise<T>,
): Promise<T> {
  const root = await tempDir('api');
  const dir = await smallProject(path.join(root, 'p'), setup.yaml ?? '', setup.landing ?? {}, setup.models ?? {});
  const project = await openProject({ projectDir: dir });
  const push = await PushService.open(project.catalog, project.config);
  try {
    return await fn(createApp({ project, principalOf: () => OWNER, push }), project, dir);
  } finally {
    await push.close();
    await project.close();
    await removeDir(root);
  }
}

/** A JSON request to an in-process app: status and parsed body. */
export async function call(app: OpenAPIHono, method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await app.request(url, {
    method,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON: the test sees the text */
  }
  return { status: res.status, body: parsed };
}
