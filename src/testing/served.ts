import path from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { openProject, type Project } from '../project/index.js';
import { createApp, requestPrincipal, type ServerDeps } from '../server/index.js';
import { OWNER } from '../engine/index.js';
import { createToken } from '../governance/index.js';
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
    return await fn(ownerApp({ project, principalOf: requestPrincipal, push }), project, dir);
  } finally {
    await push.close();
    await project.close();
    await removeDir(root);
  }
}

/**
 * The app of `deps`, every request to it made as the project's owner: a bearer token of the owner,
 * made on first use, is added to each request that carries no Authorization header of its own.
 */
export function ownerApp(deps: ServerDeps): OpenAPIHono {
  return asPrincipal(createApp(deps), deps.project, OWNER.name);
}

/** `app`, whose requests carry a token of `principal` (an existing one) unless they say otherwise. */
export function asPrincipal(app: OpenAPIHono, project: Project, principal: string): OpenAPIHono {
  let token: Promise<string> | undefined;
  const request = app.request.bind(app);
  app.request = (async (input: string, init?: RequestInit, ...rest: unknown[]) => {
    const headers = new Headers(init?.headers);
    token ??= createToken(project.catalog, principal, { note: 'test' }).then((t) => t.token);
    if (!headers.has('authorization')) headers.set('authorization', `Bearer ${await token}`);
    return request(input, { ...init, headers }, ...(rest as []));
  }) as typeof app.request;
  return app;
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
